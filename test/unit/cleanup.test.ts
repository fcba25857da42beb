import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPendingCleanups, withCleanup } from '../../src/exec/cleanup.ts';

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

test.run();
