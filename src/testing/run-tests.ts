// Runs a function's tests against an image: start a hardened container on an
// ephemeral 127.0.0.1 port, wait for /ping, send each request, compare, remove.
import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from '../function/types.ts';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { withCleanup } from '../exec/cleanup.ts';
import { dockerLogs, dockerPort, dockerRm, dockerRun } from '../docker/argv.ts';
import { containerState } from '../docker/engine.ts';
import { APP_PORT } from '../build/render.ts';
import { compareResponse, type Mismatch } from './compare.ts';
import { sendRequest, waitForPing } from './http.ts';

export interface TestOutcome {
  name: string;
  mismatches: Mismatch[];
  error?: string;
}

export interface TestReport {
  outcomes: TestOutcome[];
  passed: number;
  failed: number;
}

const START_TIMEOUT_MS = 30_000;

export function formatOutcome(o: TestOutcome): string {
  if (o.error) return `  ✗ ${o.name}: ${o.error}`;
  if (o.mismatches.length === 0) return `  ✓ ${o.name}`;
  const details = o.mismatches.map((m) => `    ${m.what}: ${m.detail.split('\n').join('\n      ')}`);
  return [`  ✗ ${o.name}`, ...details].join('\n');
}

export async function runTestsAgainstImage(spec: FunctionSpec, image: string, log: (line: string) => void): Promise<TestReport> {
  const name = `faaso-test-${spec.name}-${randomBytes(3).toString('hex')}`;
  // Registered before `docker run`: an interrupt at any point removes the container.
  return withCleanup(() => run(dockerRm(name)), async () => {
    const started = await run(dockerRun({ image, name, publish: [`127.0.0.1::${APP_PORT}`], hardened: true, labels: { 'faaso.test': spec.name } }));
    if (started.exitCode !== 0) throw new UserError(`${spec.name}: cannot start test container: ${started.stderr.trim()}`);
    const port = (await run(dockerPort(name, APP_PORT))).stdout.trim().split('\n')[0]?.split(':').pop();
    if (!port) throw new UserError(`${spec.name}: test container published no port`);
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitForPing(base, {
      timeoutMs: START_TIMEOUT_MS,
      isAlive: async () => (await containerState(name))?.status === 'running',
    });
    if (ready !== 'ready') {
      const logs = await run(dockerLogs(name));
      const why = ready === 'exited' ? 'exited before answering /ping' : `did not answer /ping within ${START_TIMEOUT_MS / 1000}s`;
      throw new UserError(`${spec.name}: the image ${why}; last log lines:\n${(logs.stdout + logs.stderr).trim()}`, `try it by hand: docker run --rm -p 3000:3000 ${image}`);
    }
    const outcomes: TestOutcome[] = [];
    for (const t of spec.tests) {
      try {
        const res = await sendRequest(base, t.request);
        outcomes.push({ name: t.name, mismatches: compareResponse(t, res) });
      } catch (err) {
        outcomes.push({ name: t.name, mismatches: [], error: `request failed: ${(err as Error).message}` });
      }
      log(formatOutcome(outcomes[outcomes.length - 1]!));
    }
    const failed = outcomes.filter((o) => o.error || o.mismatches.length > 0).length;
    if (failed > 0) {
      const logs = await run(dockerLogs(name, 20));
      const text = (logs.stdout + logs.stderr).trim();
      if (text) log(`  container log (last lines):\n${text.replace(/^/gm, '    ')}`);
    }
    return { outcomes, passed: outcomes.length - failed, failed };
  });
}
