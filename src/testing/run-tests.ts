// Runs a function's tests against an image: start a hardened container on an
// ephemeral 127.0.0.1 port, wait for /ping, send each request, compare, remove.
import type { FunctionSpec } from '../function/types.ts';
import { compareResponse, type Mismatch } from './compare.ts';
import { withServingImage, containerLogs } from './container.ts';
import { requestFailure, sendRequest } from './http.ts';
import { escapeNonPrinting } from '../util/text.ts';
import { withTestSecrets } from './secrets.ts';

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

/** An outcome as printed; what the function answered is escaped, so its bytes cannot act on the terminal. */
export function formatOutcome(o: TestOutcome): string {
  if (o.error) return escapeNonPrinting(`  ✗ ${o.name}: ${o.error}`);
  if (o.mismatches.length === 0) return escapeNonPrinting(`  ✓ ${o.name}`);
  const details = o.mismatches.map((m) => `    ${m.what}: ${m.detail.split('\n').join('\n      ')}`);
  return escapeNonPrinting([`  ✗ ${o.name}`, ...details].join('\n'), '\n\t');
}

export async function runTestsAgainstImage(
  spec: FunctionSpec,
  image: string,
  log: (line: string) => void,
  /** See ServingOptions.onRemoval: the test container is removed while the caller goes on. */
  onRemoval?: (removed: Promise<unknown>) => void,
): Promise<TestReport> {
  return withTestSecrets(spec, (volumes) => {
    const opts = {
      onRemoval,
      prefix: `faaso-test-${spec.name}`,
      what: spec.name,
      hardened: true,
      labels: { 'faaso.test': spec.name },
      volumes,
    };
    return withServingImage(image, opts, (base, name) => runAll(spec, base, name, log));
  });
}

/** Sends each test's request to the serving container and compares; its last log lines when one fails. */
async function runAll(
  spec: FunctionSpec,
  base: string,
  name: string,
  log: (line: string) => void,
): Promise<TestReport> {
  const outcomes: TestOutcome[] = [];
  for (const t of spec.tests) {
    try {
      const res = await sendRequest(base, t.request);
      outcomes.push({ name: t.name, mismatches: compareResponse(t, res) });
    } catch (err) {
      outcomes.push({ name: t.name, mismatches: [], error: `request failed: ${requestFailure(err)}` });
    }
    log(formatOutcome(outcomes[outcomes.length - 1]!));
  }
  const failed = outcomes.filter((o) => o.error || o.mismatches.length > 0).length;
  if (failed > 0) {
    const text = await containerLogs(name, 20);
    if (text) log(`  container log (last lines):\n${escapeNonPrinting(text, '\n\t').replace(/^/gm, '    ')}`);
  }
  return { outcomes, passed: outcomes.length - failed, failed };
}
