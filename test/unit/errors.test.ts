import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError, formatProblem } from '../../src/errors.ts';
import { escapeNonPrinting } from '../../src/util/text.ts';

test('formatProblem prefixes file and field', () => {
  assert.is(
    formatProblem({ file: 'functions/sum/function.yml', field: 'runtime', message: 'bad' }),
    'functions/sum/function.yml: runtime: bad',
  );
});

test('ValidationError lists every problem', () => {
  const e = new ValidationError([
    { file: 'a.yml', field: 'x', message: 'one' },
    { file: 'a.yml', field: 'y', message: 'two' },
  ]);
  assert.match(e.message, /2 problems/);
  assert.match(e.message, /a\.yml: x: one\na\.yml: y: two/);
});

test('escapeNonPrinting escapes every character that does not print as itself', () => {
  assert.is(escapeNonPrinting('a\nb\tc\rd'), 'a\\nb\\tc\\rd');
  assert.is(escapeNonPrinting('x\u2028y\u2029z\u0085w'), 'x\\u2028y\\u2029z\\u0085w');
  assert.is(escapeNonPrinting('\u001b[31mred\u007f\u009b'), '\\u001b[31mred\\u007f\\u009b');
  // Bidi overrides, zero-width characters, a BOM, private use, lone surrogates, odd spaces.
  assert.is(
    escapeNonPrinting('a\u202eb\u200bc\ufeffd\ue000e\ud800f\u00a0g'),
    'a\\u202eb\\u200bc\\ufeffd\\ue000e\\ud800f\\u00a0g',
  );
  assert.is(escapeNonPrinting('\u{f0000}'), '\\udb80\\udc00');
  // What prints stays: letters of any script, accents, emoji, symbols, punctuation, the plain space.
  const printable = 'héllo wörld — Ünïcødé 日本語 😀 €$%&*()[]{}<>"\'\\/';
  assert.is(escapeNonPrinting(printable), printable);
  assert.is(escapeNonPrinting('line 1\nline\u20282', '\n'), 'line 1\nline\\u20282');
});

test('a problem is one line whatever the value it quotes holds', () => {
  const line = formatProblem({
    file: 'functions/x\u2028y/function.yml',
    field: 'runtime',
    message: `unknown runtime ${JSON.stringify('py\u001b[2Jthon\u2029\u0085')}`,
  });
  assert.is(line, 'functions/x\\u2028y/function.yml: runtime: unknown runtime "py\\u001b[2Jthon\\u2029\\u0085"');
  assert.not.match(line, /[\u0000-\u001f\u0085\u2028\u2029]/);
});

test.run();
