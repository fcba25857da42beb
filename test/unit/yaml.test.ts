import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError, formatProblem } from '../../src/errors.ts';
import { parseYaml, yamlProblems } from '../../src/util/yaml.ts';

const F = 'functions/sum/function.yml';

/** The formatted problems parseYaml throws for `text`. */
function failures(text: string): string[] {
  try {
    parseYaml(text, F);
  } catch (err) {
    assert.instance(err, ValidationError);
    return (err as ValidationError).problems.map(formatProblem);
  }
  throw new Error('expected parseYaml to throw');
}

test('parses a mapping into plain JS', () => {
  const v = parseYaml('runtime: python\nenv: {A: 1, B: true}\ntests: []\n', F);
  assert.equal(v, { runtime: 'python', env: { A: 1, B: true }, tests: [] });
  assert.is(Object.getPrototypeOf(v), Object.prototype);
});

test('uses YAML 1.2 core types: yes/on stay strings, 08 is a number', () => {
  assert.equal(parseYaml('a: yes\nb: on\nc: 08\nd: "08"\n', F), { a: 'yes', b: 'on', c: 8, d: '08' });
});

test('a syntax error names file, line and column', () => {
  const [line, ...rest] = failures('runtime: python\ntests:\n  - name: [unclosed\n');
  assert.is(rest.length, 0);
  assert.match(line!, /^functions\/sum\/function\.yml: line \d+, column \d+: /);
});

test('the reported position points at the offending place', () => {
  assert.equal(failures('runtime: python\nenv:\n\tA: 1\n'), [
    `${F}: line 3, column 1: Tabs are not allowed as indentation`,
  ]);
});

test('duplicate keys are rejected with their position', () => {
  assert.equal(failures('runtime: python\nruntime: node\n'), [`${F}: line 2, column 1: Map keys must be unique`]);
});

test('duplicate keys in nested mappings are rejected too', () => {
  const [msg] = failures('env:\n  A: 1\n  A: 2\n');
  assert.match(msg!, /line 3, column 3: Map keys must be unique/);
});

test('an empty file is an error', () => {
  assert.equal(failures(''), [`${F}: file is empty`]);
  assert.equal(failures('# just a comment\n\n'), [`${F}: file is empty`]);
  assert.equal(failures('---\n'), [`${F}: file is empty`]);
});

test('several documents are rejected', () => {
  const [msg] = failures('runtime: python\n---\nruntime: node\n');
  assert.match(msg!, /^functions\/sum\/function\.yml: line 2, column 1: found 2 YAML documents/);
});

test('an explicit null document parses (the validator reports it)', () => {
  assert.is(parseYaml('null\n', F), null);
});

test('unresolved aliases become problems, not crashes', () => {
  const r = yamlProblems('a: *nope\n', F);
  assert.ok('problems' in r);
  assert.is(r.problems.length, 1);
  assert.is(r.problems[0]!.file, F);
});

test('alias bombs are refused', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [prev, next] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
  ])
    bomb.push(
      `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
    );
  const r = yamlProblems(`${bomb.join('\n')}\n`, F);
  assert.ok('problems' in r);
  assert.match(r.problems[0]!.message, /alias/i);
});

test('lists nested thousands deep are one clear problem, not a stack trace', () => {
  const r = yamlProblems(`x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, F);
  assert.ok('problems' in r);
  assert.match(r.problems[0]!.message, /^line 1, column \d+: lists or mappings nested too deeply/);
});

test('a __proto__ key stays an own property', () => {
  const v = parseYaml('__proto__: {polluted: true}\n', F) as Record<string, unknown>;
  assert.equal(Object.keys(v), ['__proto__']);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(Object.getPrototypeOf(v), Object.prototype);
});

test.run();
