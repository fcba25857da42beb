// A function killed in a loop under load: kill -9 of sum's server process (its
// host PID, under the container's docker-init) again and again while all three
// routes are under load. Docker's restart policy brings it back each time; the
// other functions never see an error; sum's own failures stay within the
// requests that can be in flight at a kill.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLoad, startLoad, type LoadResult } from '../../bench/lib/http-load.ts';
import { waitFor } from '../integration/helpers.ts';
import { soakSeconds } from './measure.ts';
import {
  PROBES,
  answers,
  containerStateOf,
  killServer,
  log,
  sleep,
  startSoakStack,
  type SoakStack,
} from './soak-stack.ts';

const test = suite('soak: kill loop');
const SECONDS = soakSeconds(process.env);
const WORKERS = 2;
const VICTIM = 'sum';
// Docker doubles its restart delay for a container that ran < 10 s (0.1 s, 0.2 s, …)
// and resets it after 10 s up. Long runs kill every 12 s (each kill a fresh crash);
// short runs make at least 3 kills, so the delay stays ≤ 0.4 s: far below
// Caddy's 5 s of retries, and the loop is still a loop.
const KILLS = Math.max(3, Math.floor(SECONDS / 12));
const PERIOD_MS = (SECONDS * 1000) / KILLS;
// Generous: a restart takes ~0.5 s here; only a function that does not come back fails.
const RECOVERY_DEADLINE_MS = 30_000;
let stack: SoakStack;

test.before(async () => {
  stack = await startSoakStack({ project: 'faasosoak-kill', portBase: 18510 });
});

test.after(async () => {
  await stack?.down();
});

test(`kill -9 of ${VICTIM} ${KILLS}× under load: it comes back each time, the others see 0 errors`, async () => {
  const container = stack.container(VICTIM);
  const direct = `http://127.0.0.1:${stack.ports[VICTIM]}/ping`;
  const maxMs = (SECONDS + 120) * 1000;
  const loads = Object.entries(PROBES).map(([fn, p]) => ({
    fn,
    run: startLoad([{ url: stack.via(p.path), check: p.check }], { concurrency: WORKERS, maxMs }),
  }));
  const recoveries: number[] = [];
  const first = (await containerStateOf(container))!.restarts;
  // A failed wait must not leave load running, nor be hidden by the summary's assertions.
  let failure: unknown;
  try {
    for (let i = 0; i < KILLS; i++) {
      const round = Date.now();
      const before = (await containerStateOf(container))!.restarts;
      await killServer(container);
      const killedAt = Date.now();
      await waitFor(
        `${VICTIM} restarted after kill ${i + 1}`,
        async () => ((await containerStateOf(container))?.restarts ?? 0) > before,
        RECOVERY_DEADLINE_MS,
      );
      await waitFor(`${VICTIM} answering after kill ${i + 1}`, () => answers(direct), RECOVERY_DEADLINE_MS);
      await waitFor(
        `${VICTIM} through the proxy after kill ${i + 1}`,
        () => answers(stack.via(PROBES[VICTIM]!.path), PROBES[VICTIM]!.check),
        RECOVERY_DEADLINE_MS,
      );
      recoveries.push(Date.now() - killedAt);
      await sleep(Math.max(0, PERIOD_MS - (Date.now() - round)));
    }
  } catch (err) {
    failure = err;
  }
  const results: [string, LoadResult][] = [];
  for (const l of loads) results.push([l.fn, await l.run.stop()]);
  for (const [fn, r] of results) log(`${fn}: ${describeLoad(r)}`);
  log(
    `${recoveries.length} kill(s), serving again after (s): ${recoveries.map((ms) => (ms / 1000).toFixed(1)).join(' ')}`,
  );
  const restarts = ((await containerStateOf(container))?.restarts ?? 0) - first;
  log(`${VICTIM} restarts: ${restarts}`);
  if (failure) throw failure;
  assert.is(restarts, KILLS, 'Docker restarted it once per kill');
  for (const [fn, r] of results) {
    assert.ok(r.ok > 0, `${fn}: the load generator barely ran`);
    // Caddy retries dial errors for 5 s, so requests that arrive during a restart
    // still succeed; only those in flight at the kill may fail (a response cut
    // off mid-body: UND_ERR_SOCKET): at most one per worker per kill.
    if (fn === VICTIM)
      assert.ok(
        r.failed <= KILLS * WORKERS,
        `${fn}: ${r.failed} failed > ${KILLS * WORKERS}: ${JSON.stringify(r.errors)}`,
      );
    else assert.is(r.failed, 0, `${fn}: ${JSON.stringify(r.errors)}`);
  }
});

test.run();
