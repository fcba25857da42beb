// The one command runner: spawned without a shell, so these drive real (tiny)
// processes: sh, cat and sleep, no Docker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';

test('run captures both streams and the exit code', async () => {
  const r = await run(['sh', '-c', 'printf out; printf err >&2; exit 3']);
  assert.is(r.exitCode, 3);
  assert.is(r.stdout, 'out');
  assert.is(r.stderr, 'err');
  assert.equal(r.argv, ['sh', '-c', 'printf out; printf err >&2; exit 3']);
});

test('an argument reaches the command as it is: no shell reads it', async () => {
  const hostile = `$(echo no); echo no | 'quoted' "double" \\ * \n`;
  const r = await run(['printf', '%s', hostile]);
  assert.is(r.exitCode, 0);
  assert.is(r.stdout, hostile);
});

test('input goes to stdin, then end of file; without input stdin ends at once', async () => {
  assert.is((await run(['cat'], { input: 'line one\nline two' })).stdout, 'line one\nline two');
  const empty = await run(['cat']);
  assert.is(empty.exitCode, 0);
  assert.is(empty.stdout, '');
});

test('env adds to the environment, cwd sets the directory', async () => {
  const r = await run(['sh', '-c', 'echo "$FAASO_RUN_TEST ${PATH:+path-kept} $(pwd)"'], {
    env: { FAASO_RUN_TEST: 'set' },
    cwd: '/tmp',
  });
  assert.is(r.stdout.trim(), 'set path-kept /tmp');
});

test('a binary that cannot start reports 127 and why, without throwing', async () => {
  const r = await run(['/nonexistent/faaso-no-such-binary', 'x']);
  assert.is(r.exitCode, 127);
  assert.match(r.stderr, /ENOENT/);
});

test('a command past its timeout is killed and reports failure', async () => {
  const r = await run(['sleep', '30'], { timeoutMs: 100 });
  assert.is(r.exitCode, 1);
});

test('multi-byte characters split across output chunks arrive whole', async () => {
  // 20,000 three-byte characters: more than one pipe read, so some split.
  const r = await run(['sh', '-c', 'i=0; while [ $i -lt 2000 ]; do printf "€€€€€€€€€€"; i=$((i+1)); done']);
  assert.is(r.stdout.length, 20000);
  assert.not.match(r.stdout, /\uFFFD/);
});

test('an empty argv is a bug in the caller', async () => {
  try {
    await run([]);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.match((err as Error).message, /empty argv/);
  }
});

test.run();
