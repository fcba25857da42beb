// The build pool: bounded concurrency, input-order results, failures isolated;
// FAASO_BUILD_JOBS parsing; output prefixes; the end-of-run summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildJobs, runPool } from '../../src/util/pool.ts';
import { linePrefixes, summarizeMany, type ManyOutcome } from '../../src/build/many.ts';
import { UserError } from '../../src/errors.ts';
import { throwsUser } from './throws-user.ts';

/** A task that finishes when released, recording how many ran at once. */
function gate() {
  const release = new Map<string, () => void>();
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const worker = (item: string) =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      peak = Math.max(peak, ++running);
      release.set(item, () => {
        running--;
        if (item.startsWith('bad')) reject(new Error(`${item} broke`));
        else resolve(item.toUpperCase());
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  return { release, started, worker, tick, peak: () => peak };
}

test('runPool never runs more than `jobs` at once and starts items in input order', async () => {
  const g = gate();
  const done = runPool(['a', 'b', 'c', 'd'], 2, g.worker);
  await g.tick();
  assert.equal(g.started, ['a', 'b']);
  g.release.get('b')!();
  await g.tick();
  assert.equal(g.started, ['a', 'b', 'c'], 'a free lane takes the next item');
  for (const k of ['a', 'c']) g.release.get(k)!();
  await g.tick();
  g.release.get('d')!();
  const results = await done;
  assert.is(g.peak(), 2);
  assert.equal(
    results.map((r) => (r.ok ? r.value : 'x')),
    ['A', 'B', 'C', 'D'],
    'results in input order, not finishing order',
  );
});

test('runPool: one failure does not stop the others', async () => {
  const results = await runPool(['a', 'bad', 'c'], 3, async (item) => {
    if (item === 'bad') throw new Error('broke');
    return item;
  });
  assert.equal(
    results.map((r) => r.ok),
    [true, false, true],
  );
  assert.is((results[1] as { error: Error }).error.message, 'broke');
});

test('runPool: jobs below 1 still runs everything one at a time; empty input is fine', async () => {
  const order: number[] = [];
  await runPool([1, 2, 3], 0, async (n) => order.push(n));
  assert.equal(order, [1, 2, 3]);
  assert.equal(await runPool([], 4, async () => 1), []);
});

test('buildJobs: cores + 1 between 2 and 4 by default; FAASO_BUILD_JOBS wins', () => {
  assert.is(buildJobs({}, 1), 2);
  assert.is(buildJobs({}, 2), 3);
  assert.is(buildJobs({}, 32), 4);
  assert.is(buildJobs({ FAASO_BUILD_JOBS: '1' }, 8), 1);
  assert.is(buildJobs({ FAASO_BUILD_JOBS: ' 6 ' }, 2), 6);
  assert.is(buildJobs({ FAASO_BUILD_JOBS: '' }, 2), 3);
});

test('buildJobs: a bad FAASO_BUILD_JOBS is a user error naming the variable', () => {
  for (const v of ['0', '-1', 'two', '1.5', '99']) {
    const e = throwsUser(() => buildJobs({ FAASO_BUILD_JOBS: v }, 2));
    assert.match(e.message, /^FAASO_BUILD_JOBS: /);
  }
});

test('linePrefixes pads names so concurrent output lines up', () => {
  assert.equal(
    [...linePrefixes(['sum', 'multiply'])],
    [
      ['sum', 'sum      | '],
      ['multiply', 'multiply | '],
    ],
  );
});

const built = (name: string): ManyOutcome => ({
  name,
  result: {
    ok: true,
    value: {
      name,
      image: `r/${name}:abc`,
      status: 'built',
      seconds: 1.25,
      size: 2e6,
      tests: '1/1 passed',
      pushed: true,
    },
  },
});

test('summarizeMany: one line per function in request order, errors with hints, bugs kept apart', () => {
  const bug = new TypeError('oops');
  const s = summarizeMany([
    built('b'),
    { name: 'a', result: { ok: false, error: new UserError('a: docker build failed', 'look above') } },
    { name: 'c', result: { ok: false, error: bug } },
  ]);
  assert.equal(s.lines, [
    '✓ b: built in 1.3s — r/b:abc (2.0 MB; tests 1/1 passed, pushed)',
    '✗ a: failed',
    '✗ c: failed',
  ]);
  assert.equal(s.errors, ['error: a: docker build failed', 'hint: look above', 'error: c: internal error']);
  assert.equal(s.failed, ['a', 'c']);
  assert.is(s.internal, bug);
});

test.run();
