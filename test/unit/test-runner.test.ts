// test/run.mjs itself, on fixture suites: it keeps the event loop alive for
// tests awaiting unref'd timers, and stops a file that runs past its limit,
// naming it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/runner.ts';

const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const runSuite = (suite: string, env: Record<string, string> = {}) =>
  run([process.execPath, '--import', 'tsx', path.join(TEST_DIR, 'run.mjs'), suite], {
    env,
    timeoutMs: 60_000,
  });

test('a test awaiting only an unref’d timer completes (Node does not exit mid-run)', async () => {
  const r = await runSuite('fixtures/runner/unref');
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 passed, 0 failed/);
});

test('a file still running past FAASO_TEST_FILE_LIMIT_S is named and the run fails', async () => {
  const r = await runSuite('fixtures/runner/hang', { FAASO_TEST_FILE_LIMIT_S: '1' });
  assert.is(r.exitCode, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /hang\.test\.ts: still running after 1 s: stopping the run/);
});

test.run();
