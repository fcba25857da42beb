import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { numberFlag } from '../../src/cli/numeric-flag.ts';
import { UserError } from '../../src/errors.ts';

const interval = { fallback: 5, integer: false, min: 0.2, max: 3600, usage: 'watch' };
const tail = { fallback: 200, integer: true, min: 0, max: 1_000_000, usage: 'logs' };

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
};

test('absent means the fallback; decimal values within bounds are read', () => {
  assert.is(numberFlag(undefined, '--interval', interval), 5);
  assert.is(numberFlag('0.2', '--interval', interval), 0.2);
  assert.is(numberFlag('3600', '--interval', interval), 3600);
  assert.is(numberFlag('0', '--tail', tail), 0);
  assert.is(numberFlag('1000000', '--tail', tail), 1_000_000);
});

test('every value past the upper bound is refused (a timer over 2^31-1 ms would fire at once)', () => {
  for (const raw of ['3601', '2147484', '1e30', 'Infinity', '99999999999999999999'])
    assert.is(
      message(() => numberFlag(raw, '--interval', interval)),
      `--interval: expected a number from 0.2 to 3600, got ${JSON.stringify(raw)}`,
    );
  assert.match(
    message(() => numberFlag('1000001', '--tail', tail)),
    /from 0 to 1000000/,
  );
});

test('only plain decimal digits: no exponents, hex, signs, spaces or fractions where whole numbers go', () => {
  for (const raw of ['1e3', '0x10', '-1', ' 5', '', '1.5', 'NaN'])
    assert.match(
      message(() => numberFlag(raw, '--tail', tail)),
      /^--tail: expected a whole number from 0 to 1000000/,
    );
  assert.match(
    message(() => numberFlag(['1'], '--tail', tail)),
    /got \["1"\]/,
  );
});

test.run();
