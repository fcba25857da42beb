import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linePrefixer, prefixLines } from '../../src/exec/lines.ts';

test('prefixLines prefixes every line and keeps the trailing newline', () => {
  assert.is(prefixLines('x | ', 'a\nb\n'), 'x | a\nx | b\n');
  assert.is(prefixLines('x | ', 'a'), 'x | a');
  assert.is(prefixLines('x | ', '\n'), 'x | \n');
});

test('linePrefixer holds a partial line until its end arrives', () => {
  const p = linePrefixer('f | ');
  assert.is(p.push('#1 [build 1/'), '');
  assert.is(p.push('5] FROM\n#2 CA'), 'f | #1 [build 1/5] FROM\n');
  assert.is(p.push('CHED\n'), 'f | #2 CACHED\n');
  assert.is(p.push('tail'), '');
  assert.is(p.flush(), 'f | tail\n');
  assert.is(p.flush(), '', 'flush is idempotent');
});

test.run();
