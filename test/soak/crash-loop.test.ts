// A crash-looping function does not disturb the others. The fixture
// `faasosoak-crashy` (python) answers / normally (its build-time test) and dies
// with os._exit on /crash, as a handler with a fatal bug would. A steady stream
// of /crash requests through the proxy keeps it crashing on every restart
// (Docker's restart delay doubles each time: a real crash loop) while the
// three examples are under load: they must see 0 errors, and `status` must
// report the loop.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLoad, startLoad, type LoadResult } from '../../bench/lib/http-load.ts';
import { removeFunctionImages, runScript, waitFor } from '../integration/helpers.ts';
import { soakSeconds } from './measure.ts';
import { PROBES, containerStateOf, healthLog, log, sleep, startSoakStack, type SoakStack } from './soak-stack.ts';

const test = suite('soak: crash loop');
const SECONDS = soakSeconds(process.env);
const WORKERS = 2;
const CRASHY = 'faasosoak-crashy';
// At least 3 restarts in a row is what `watch` calls a crash loop, too.
const LOOP_RESTARTS = 3;
const CRASHY_FILES = {
  'function.yml': [
    'runtime: python',
    'description: soak fixture — exits on /crash, like a handler with a fatal bug',
    'tests:',
    '  - name: answers when not asked to crash',
    '    request: {path: /}',
    '    expect: {json: {ok: true}}',
    '',
  ].join('\n'),
  'handler.py':
    'import os\n\n\ndef handle(req):\n    if req.path == "/crash":\n        os._exit(3)  # no cleanup, no answer: a crash\n    return {"ok": True}\n',
};
let stack: SoakStack;

test.before(async () => {
  stack = await startSoakStack({ project: 'faasosoak-crash', portBase: 18520, extra: { [CRASHY]: CRASHY_FILES } });
});

test.after(async () => {
  await stack?.down();
  await removeFunctionImages([CRASHY]);
});

test(`${CRASHY} crash-loops for ${SECONDS} s: the others serve with 0 errors, status reports it`, async () => {
  const maxMs = (SECONDS + 120) * 1000;
  const loads = Object.entries(PROBES).map(([fn, p]) => ({
    fn,
    run: startLoad([{ url: stack.via(p.path), check: p.check }], { concurrency: WORKERS, maxMs }),
  }));
  // Its own failures are the point, so they are reported, not asserted.
  const poison = startLoad([stack.via(`/${CRASHY}/crash`)], { concurrency: 1, maxMs });
  const container = stack.container(CRASHY);
  const started = Date.now();
  const snapshots: Snapshot[] = [];
  // A failed wait must not leave load running, nor be hidden by the summary's assertions.
  let failure: unknown;
  try {
    await waitFor(
      `${CRASHY} restarted ${LOOP_RESTARTS} times`,
      async () => ((await containerStateOf(container))?.restarts ?? 0) >= LOOP_RESTARTS,
      Math.max(60_000, SECONDS * 1000),
    );
    snapshots.push(await snapshot('loop established'));
    await sleep(Math.max(0, SECONDS * 1000 - (Date.now() - started)));
    snapshots.push(await snapshot(`after ${SECONDS} s`));
  } catch (err) {
    failure = err;
  }
  const results: [string, LoadResult][] = [];
  for (const l of loads) results.push([l.fn, await l.run.stop()]);
  const crashes = await poison.stop();
  for (const [fn, r] of results) log(`${fn}: ${describeLoad(r)}`);
  log(`${CRASHY} /crash requests: ${describeLoad(crashes)}`);
  if (failure) throw failure;
  for (const [fn, r] of results) {
    assert.ok(r.ok > 0, `${fn}: the load generator barely ran`);
    assert.is(r.failed, 0, `${fn}: ${JSON.stringify(r.errors)}`);
  }
  for (const snap of snapshots) {
    // Exit code 3: not everything is running and healthy.
    assert.is(snap.code, 3, `${snap.when}: ${snap.output}`);
    const crashy = snap.rows.find((r) => r.function === CRASHY)!;
    assert.ok(crashy.restarts >= LOOP_RESTARTS, `${snap.when}: status shows ${crashy.restarts} restarts`);
    // Docker's own probes of the others must not suffer either (they once timed out under load).
    for (const r of snap.rows.filter((row) => row.function !== CRASHY)) {
      assert.is(
        `${r.state}/${r.health}`,
        'running/1/1 healthy',
        `${snap.when}: ${r.function}\n${snap.healthLogs[r.function] ?? ''}`,
      );
    }
  }
});

interface Snapshot {
  when: string;
  code: number;
  output: string;
  rows: { function: string; state: string; health: string; restarts: number }[];
  healthLogs: Record<string, string>;
}

/** `status --json` as a user would run it, plus Docker's probe log of anything not healthy (read at once: it only keeps 5). */
async function snapshot(when: string): Promise<Snapshot> {
  const r = await runScript('status', ['--json'], stack.env);
  const rows: Snapshot['rows'] = r.code === 0 || r.code === 3 ? JSON.parse(r.stdout).functions : [];
  const healthLogs: Record<string, string> = {};
  for (const row of rows.filter((x) => x.health !== '1/1 healthy'))
    healthLogs[row.function] = await healthLog(stack.container(row.function));
  log(`status, ${when}: ${rows.map((x) => `${x.function} ${x.state}/${x.health} restarts=${x.restarts}`).join(', ')}`);
  return { when, code: r.code, output: r.output, rows, healthLogs };
}

test.run();
