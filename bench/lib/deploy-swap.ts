// Redeploy of one function whose image changed, under light wrk load through
// the proxy, side by side:
// - faaso: `up` after the function's sources changed (standby → switch →
//   replace, see runner/apply.ts; the new image is built beforehand, untimed);
// - baseline: plain `docker compose up -d --no-deps --wait <service>` recreating
//   the same service with the other image (the compose file rendered by faaso's
//   renderer, so labels stay consistent and the next faaso run sees a change).
// Each round flips A→B with faaso and B→A with compose.
import fs from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { compose } from '../../src/stack/argv.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { runScriptOk, type BenchProject } from './deploy-project.ts';
import { loadPrepared } from './deploy-reload.ts';
import { composeFile } from './deploy-up.ts';
import { summarizeExec } from './exec-log.ts';
import { runWrk, type WrkResult } from './wrk.ts';
// The load generator the stack and soak tests also use: the retry semantics the README documents.
import { startLoad, type LoadResult } from './fetch-load.ts';

export interface SwapRound {
  who: 'faaso' | 'compose';
  /** Wall time of the command (faaso: the whole `up`). */
  ms: number;
  /** faaso: from the first `docker compose up` (standby) to the end (the swap itself). */
  swapMs: number;
  dockerCalls: number;
  load: WrkResult;
  /** The retrying fetch load over the command's duration (+1 s either side). */
  retrying: LoadResult;
  /** The command outlived the load: failures after the load ended were not seen. */
  loadEndedEarly: boolean;
}

/**
 * Light load: wrk (2 connections, 1 thread) for `seconds`, and beside it 2
 * workers of the integration tests' fetch load, which retry a request whose
 * connection closed before any response byte (as browsers and Go clients do;
 * wrk never retries) and count those retries. The command starts 1 s in.
 */
async function underLoad(
  url: string,
  seconds: number,
  body: () => Promise<{ ms: number; swapMs: number; dockerCalls: number }>,
): Promise<Omit<SwapRound, 'who'>> {
  const load = runWrk({ url, connections: 2, threads: 1, durationSec: seconds, timeoutSec: 10 });
  load.catch(() => undefined); // awaited below; a failing command must not leave it unhandled
  const retrying = startLoad([url], 2, { maxMs: (seconds + 60) * 1000 });
  await new Promise((r) => setTimeout(r, 1000));
  const started = performance.now();
  try {
    const done = await body();
    const endedAt = (performance.now() - started + 1000) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    return { ...done, retrying: await retrying.stop(), load: await load, loadEndedEarly: endedAt > seconds };
  } finally {
    await retrying.stop();
  }
}

export async function measureSwaps(p: BenchProject, fn: string, rounds: number, loadSec: number): Promise<SwapRound[]> {
  const before = await loadPrepared(p);
  const handler = path.join(p.root, 'functions', fn, 'handler.py');
  const original = await fs.readFile(handler, 'utf8');
  // Version B: one comment more, so a new content hash and a new image (cached layers).
  await fs.writeFile(handler, `${original}\n# deploy bench: version b\n`);
  await runScriptOk(p, 'build', [fn]);
  const url = `http://127.0.0.1:${before.plan.proxy.port}/${fn}?a=1&b=2`;
  const out: SwapRound[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      out.push({
        who: 'faaso',
        ...(await underLoad(url, loadSec, async () => {
          const r = await runScriptOk(p, 'up', []);
          const first = r.exec.find((e) => e.argv[0] === 'docker' && e.argv[1] === 'compose' && e.argv.includes('up'));
          const last = r.exec.reduce((end, e) => Math.max(end, e.at + e.ms), 0);
          return { ms: r.ms, swapMs: first ? last - first.at : NaN, dockerCalls: summarizeExec(r.exec).dockerCalls };
        })),
      });
      // Back to A with plain compose: faaso's own renderer, the plan with A's image.
      await writeFileAtomic(composeFile(p), renderCompose(before.plan));
      out.push({
        who: 'compose',
        ...(await underLoad(url, loadSec, async () => {
          const started = performance.now();
          const r = await run(compose(before.target, 'up', '-d', '--no-deps', '--wait', '--wait-timeout', '120', fn), {
            timeoutMs: 180_000,
          });
          if (r.exitCode !== 0)
            throw new Error(`baseline recreate of ${fn} failed: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
          const ms = performance.now() - started;
          return { ms, swapMs: ms, dockerCalls: 1 };
        })),
      });
    }
  } finally {
    await fs.writeFile(handler, original);
  }
  return out;
}
