// Sustained load through the proxy for FAASO_SOAK_SECONDS across the three
// example functions (python, node, crystal): every request answers 200 with the
// right body, and the proxy's memory does not grow beyond a bound.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLoad, startLoad, type LoadResult } from '../../bench/lib/http-load.ts';
import { memoryVerdict, soakSeconds } from './measure.ts';
import { PROBES, containerMemory, log, sleep, startSoakStack, type SoakStack } from './soak-stack.ts';

const test = suite('soak: sustained load');
const SECONDS = soakSeconds(process.env);
// Light on purpose: 2 cores shared with builds. 2 workers per function keep
// several keep-alive connections per upstream busy without starving the engine.
const WORKERS = 2;
const WARMUP_MS = 3000;
let stack: SoakStack;

test.before(async () => {
  stack = await startSoakStack({ project: 'faasosoak-load', portBase: 18500 });
});

test.after(async () => {
  await stack?.down();
});

test(`${SECONDS} s of load on every route: 0 errors, proxy memory growth bounded`, async () => {
  const maxMs = (SECONDS + 60) * 1000;
  const loads = Object.entries(PROBES).map(([fn, p]) => ({
    fn,
    run: startLoad([{ url: stack.via(p.path), check: p.check }], { concurrency: WORKERS, maxMs }),
  }));
  const proxy = stack.container('proxy');
  const samples: number[] = [];
  // A failed sample must not leave load running.
  let failure: unknown;
  try {
    await sleep(WARMUP_MS);
    samples.push(await containerMemory(proxy));
    const started = Date.now();
    // A sample every ~10% of the run: the end value alone could hide a spike that was released.
    const every = Math.max(2000, (SECONDS * 1000) / 10);
    while (Date.now() - started < SECONDS * 1000) {
      await sleep(Math.min(every, SECONDS * 1000 - (Date.now() - started)));
      samples.push(await containerMemory(proxy));
    }
  } catch (err) {
    failure = err;
  }
  const results: [string, LoadResult][] = [];
  for (const l of loads) results.push([l.fn, await l.run.stop()]);
  if (failure) throw failure;
  const verdict = memoryVerdict(samples[0]!, samples[samples.length - 1]!);
  const total = results.reduce((n, [, r]) => n + r.ok, 0);
  for (const [fn, r] of results) log(`${fn}: ${describeLoad(r)}`);
  log(
    `${total} requests in ${SECONDS} s (+${WARMUP_MS / 1000} s warm-up), ~${Math.round(total / (SECONDS + WARMUP_MS / 1000))}/s`,
  );
  log(`${verdict.text}; samples MB: ${samples.map((b) => (b / 1e6).toFixed(1)).join(' ')}`);
  for (const [fn, r] of results) {
    assert.ok(r.ok > SECONDS, `${fn}: the load generator barely ran (${r.ok} requests)`);
    assert.is(r.failed, 0, `${fn}: ${JSON.stringify(r.errors)}`);
  }
  assert.ok(verdict.ok, verdict.text);
});

test.run();
