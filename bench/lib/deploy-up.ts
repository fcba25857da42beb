// Up → all healthy for N functions, side by side: faaso's `up` (the real script,
// images already built) against plain `docker compose up -d --wait` of the very
// compose file faaso generated, from nothing, under another project name. Both
// publish the same ports, so they run one after the other and each is torn down
// before the next starts (also on error).
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { COMPOSE_FILE } from '../../src/stack/argv.ts';
import { BASELINE_PROJECT, layoutPorts, stackYaml } from './deploy-gen.ts';
import { runScript, runScriptOk, writeStackYaml, type BenchProject } from './deploy-project.ts';
import { summarizeExec, type ExecSummary } from './exec-log.ts';

export interface UpTiming {
  functions: number;
  /** faaso up from nothing to every function healthy (the script's wall time). */
  faasoMs: number;
  faasoExec: ExecSummary;
  /** A second `up` with nothing changed: what every routine run costs. */
  noopMs: number;
  noopExec: ExecSummary;
  /** docker compose up -d --wait of the same file, from nothing. */
  composeMs: number;
  downMs: number;
}

export function composeFile(p: BenchProject): string {
  return path.join(p.root, 'compose', COMPOSE_FILE);
}

export function baselineCompose(p: BenchProject, ...args: string[]): string[] {
  return ['docker', 'compose', '-f', composeFile(p), '-p', BASELINE_PROJECT, ...args];
}

/** Removes both stacks; safe to call when neither runs. */
export async function downBoth(p: BenchProject): Promise<void> {
  await runScript(p, 'down', []);
  await run(baselineCompose(p, 'down', '--remove-orphans', '--timeout', '5'), { timeoutMs: 120_000 });
}

/**
 * Starts faaso's stack of `names`, runs `during` while it serves (the reload and
 * swap measurements use the small stack), stops it, then times the baseline.
 */
export async function measureUp(
  p: BenchProject,
  names: readonly string[],
  during?: () => Promise<void>,
): Promise<UpTiming> {
  await writeStackYaml(p, stackYaml(names, layoutPorts(names)));
  return withCleanup(
    () => downBoth(p),
    async () => {
      await downBoth(p); // nothing of an earlier run may be left running
      const up = await runScriptOk(p, 'up', []);
      const noop = await runScriptOk(p, 'up', []);
      if (during) await during();
      const down = await runScriptOk(p, 'down', []);

      const started = performance.now();
      const r = await run(baselineCompose(p, 'up', '-d', '--wait', '--wait-timeout', '300'), { timeoutMs: 400_000 });
      const composeMs = performance.now() - started;
      if (r.exitCode !== 0)
        throw new Error(`baseline docker compose up failed:\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
      return {
        functions: names.length,
        faasoMs: up.ms,
        faasoExec: summarizeExec(up.exec),
        noopMs: noop.ms,
        noopExec: summarizeExec(noop.exec),
        composeMs,
        downMs: down.ms,
      };
    },
  );
}
