// Redeploy of one function whose image changed, under load from clients that
// never retry (deploy-load.ts), side by side with compose's own recreate:
// - faaso: `up` after the function's sources changed (a rolling update: new
//   replicas beside the old ones, then the old ones drained and removed; see
//   src/stack/steps.ts). The new image is built beforehand, untimed.
// - compose: `docker compose up -d --no-deps --wait <service>` recreating the
//   same service with the other image (the compose file rendered by faaso's own
//   renderer, so labels stay consistent and the next faaso run sees a change).
// Each round flips A→B with faaso and B→A with compose. One case per replica
// count: the function runs with `replicas` (set in faaso.yml, reached with an
// untimed `up`) and goes back to one replica afterwards.
import fs from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { compose } from '../../src/stack/argv.ts';
import { setReplicas } from '../../src/stack/config/edit.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { underLoad, type RoundLoad } from './deploy-load.ts';
import { runScriptOk, writeStackYaml, type BenchProject } from './deploy-project.ts';
import { loadPrepared } from './deploy-reload.ts';
import { swapTiming, type SwapTiming } from './deploy-swap-time.ts';
import { composeFile } from './deploy-up.ts';
import { summarizeExec, type ExecEntry } from './exec-log.ts';

export interface RedeployRound {
  who: 'faaso' | 'compose';
  /** Wall time of the command (faaso: the whole `up`). */
  ms: number;
  /** faaso: first `--scale` to the last `docker rm` (deploy-swap-time.ts); compose: its wall time. */
  swapMs: number;
  /** faaso only: where the time went. */
  steps: SwapTiming | null;
  dockerCalls: number;
  /** faaso: every command `up` ran (saved with the results, for a closer look at a slow step). */
  exec: ExecEntry[];
  load: RoundLoad;
}

export interface RedeployCase {
  replicas: number;
  rounds: RedeployRound[];
}

async function faasoRound(p: BenchProject, fn: string): Promise<Omit<RedeployRound, 'load'>> {
  const r = await runScriptOk(p, 'up', []);
  const steps = swapTiming(r.exec);
  // An `up` that started no replica replaced nothing: the figures would measure something else.
  if (!steps) throw new Error(`faaso up replaced no replica of ${fn} (its image did not change?)`);
  const dockerCalls = summarizeExec(r.exec).dockerCalls;
  return { who: 'faaso', ms: r.ms, swapMs: steps.swapMs, steps, dockerCalls, exec: r.exec };
}

async function composeRound(
  target: { dir: string; project: string },
  fn: string,
): Promise<Omit<RedeployRound, 'load'>> {
  const started = performance.now();
  const r = await run(compose(target, 'up', '-d', '--no-deps', '--wait', '--wait-timeout', '120', fn), {
    timeoutMs: 180_000,
  });
  if (r.exitCode !== 0)
    throw new Error(`baseline recreate of ${fn} failed: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  const ms = performance.now() - started;
  return { who: 'compose', ms, swapMs: ms, steps: null, dockerCalls: 1, exec: [] };
}

export async function measureRedeploy(
  p: BenchProject,
  fn: string,
  replicas: number,
  rounds: number,
): Promise<RedeployCase> {
  const yml = path.join(p.root, 'faaso.yml');
  const originalYml = await fs.readFile(yml, 'utf8');
  const handler = path.join(p.root, 'functions', fn, 'handler.py');
  const original = await fs.readFile(handler, 'utf8');
  const out: RedeployCase = { replicas, rounds: [] };
  try {
    if (replicas !== 1) {
      await writeStackYaml(p, setReplicas(originalYml, fn, replicas));
      await runScriptOk(p, 'up', []);
    }
    const before = await loadPrepared(p);
    const own = before.plan.services.find((s) => s.name === fn)?.port;
    if (own === undefined) throw new Error(`${fn} is not in the bench stack`);
    const entries = { route: `http://127.0.0.1:${before.plan.proxy.port}/${fn}/`, own: `http://127.0.0.1:${own}/` };
    // Version B: one comment more, so a new content hash and a new image (cached layers).
    await fs.writeFile(handler, `${original}\n# deploy bench: version b\n`);
    await runScriptOk(p, 'build', [fn]);
    for (let i = 0; i < rounds; i++) {
      const f = await underLoad(entries, () => faasoRound(p, fn));
      out.rounds.push({ ...f.value, load: f.load });
      // Back to A with plain compose: faaso's own renderer, the plan with A's image.
      await writeFileAtomic(composeFile(p), renderCompose(before.plan));
      const c = await underLoad(entries, () => composeRound(before.target, fn));
      out.rounds.push({ ...c.value, load: c.load });
    }
  } finally {
    await fs.writeFile(handler, original);
    await writeStackYaml(p, originalYml);
  }
  // The stack as faaso.yml says again (A, one replica): the next case and the baseline start from faaso's own files.
  await runScriptOk(p, 'up', []);
  return out;
}
