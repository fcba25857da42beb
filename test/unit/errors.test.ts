import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError, formatProblem } from '../../src/errors.ts';

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

test.run();
