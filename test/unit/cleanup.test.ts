import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPendingCleanups, withCleanup, withCleanupBehind } from '../../src/exec/cleanup.ts';

test('withCleanup runs the cleanup after the body, also when it throws', async () => {
  const log: string[] = [];
  assert.is(
    await withCleanup(
      async () => log.push('clean'),
      async () => (log.push('body'), 42),
    ),
    42,
  );
  await withCleanup(
    async () => log.push('clean2'),
    async () => {
      throw new Error('boom');
    },
  ).catch((e: Error) => log.push(e.message));
  assert.equal(log, ['body', 'clean', 'clean2', 'boom']);
});

test('an interrupt runs the cleanups of work still in flight, once', async () => {
  const log: string[] = [];
  let release!: () => void;
  const body = withCleanup(
    async () => log.push('rm container'),
    () => new Promise<void>((r) => (release = r)),
  );
  await runPendingCleanups();
  assert.equal(log, ['rm container']);
  release();
  await body; // the body's own finally runs it again: cleanups must be idempotent
  assert.equal(log, ['rm container', 'rm container']);
  await runPendingCleanups();
  assert.is(log.length, 2);
});

test('withCleanupBehind hands over a running cleanup after a success, awaits it after a failure', async () => {
  const log: string[] = [];
  const waiting: (() => void)[] = [];
  let done: Promise<unknown> | undefined;
  const value = await withCleanupBehind(
    () => new Promise<void>((r) => waiting.push(() => (log.push('removed'), r()))),
    async () => (log.push('body'), 7),
    (p) => (done = p),
  );
  assert.is(value, 7);
  assert.equal(log, ['body'], 'the caller goes on before the cleanup ends');
  // Still registered while it runs: an interrupt now runs it (again) too.
  const interrupted = runPendingCleanups();
  assert.is(waiting.length, 2);
  for (const w of waiting) w();
  await done;
  await interrupted;
  assert.equal(log, ['body', 'removed', 'removed']);
  await runPendingCleanups();
  assert.is(waiting.length, 2, 'unregistered once it ended');

  const failed: string[] = [];
  await withCleanupBehind(
    async () => failed.push('clean'),
    async () => {
      throw new Error('boom');
    },
    () => failed.push('never handed over'),
  ).catch((e: Error) => failed.push(e.message));
  assert.equal(failed, ['clean', 'boom']);
  await runPendingCleanups();
  assert.equal(failed, ['clean', 'boom'], 'nothing left registered');
});

test.run();
