import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { follow } from '../../src/exec/runner.ts';

test('follow hands over every line of both streams, a last unterminated one too', async () => {
  const seen: string[] = [];
  const r = await follow(['sh', '-c', 'printf "a\\nb\\n"; printf "err\\n" >&2; printf "tail"'], {
    onLine: (l, s) => seen.push(`${s}:${l}`),
  });
  assert.is(r.exitCode, 0);
  assert.equal(
    seen.filter((l) => l.startsWith('stdout')),
    ['stdout:a', 'stdout:b', 'stdout:tail'],
  );
  assert.equal(
    seen.filter((l) => l.startsWith('stderr')),
    ['stderr:err'],
  );
  assert.is(r.stdout, '', 'stdout is never kept');
  assert.is(r.stderr, 'err');
});

test('aborting a follow ends the command', async () => {
  const ac = new AbortController();
  const lines: string[] = [];
  const done = follow(['sh', '-c', 'echo started; exec sleep 30'], {
    onLine: (l) => {
      lines.push(l);
      ac.abort();
    },
    signal: ac.signal,
  });
  const r = await done;
  assert.equal(lines, ['started']);
  assert.is(r.exitCode, 0);
});

test('a command that cannot start reports exit code 127', async () => {
  const r = await follow(['faaso-no-such-command-xyz'], { onLine: () => undefined });
  assert.is(r.exitCode, 127);
  assert.match(r.stderr, /ENOENT/);
});

test.run();
