import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { toYaml } from '../../src/stack/render/yaml.ts';

// Strings a YAML 1.1 or 1.2 reader would take for something else if written plain.
const HOSTILE = [
  'yes',
  'No',
  'ON',
  'off',
  'y',
  'n',
  '~',
  '',
  'null',
  'true',
  '0755',
  '0o10',
  '08',
  '1_000',
  '1:30',
  '1e3',
  '.inf',
  '-',
  '- x',
  '? x',
  ': x',
  '#c',
  'a #b',
  'a: b',
  '[x]',
  '{x}',
  '*a',
  '&a',
  '!tag',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  "'q'",
  '"q"',
  'back\\slash',
  'tab\tin',
  'line\nbreak',
  'cr\rx',
  ' lead',
  'trail ',
  'nel\u0085x',
  'ls\u2028x',
  'ps\u2029x',
  'del\u007fx',
  'c1\u0090x',
  'bom\ufeffx',
  'é ü 中',
  '😀',
  'ctl\u0001x',
];

const readers = [
  ['YAML 1.2', (t: string) => parse(t, { version: '1.2' })],
  ['YAML 1.1', (t: string) => parse(t, { version: '1.1' })],
] as const;

test('every hostile string, as a value and as a key, reads back the same under YAML 1.1 and 1.2', () => {
  const value = {
    services: Object.fromEntries(
      HOSTILE.map((s, i) => [`s${i}`, { env: { [s || 'EMPTY']: s }, command: [s, s], one: s }]),
    ),
    keys: Object.fromEntries(HOSTILE.filter(Boolean).map((s) => [s, s])),
  };
  const text = toYaml(value);
  for (const [name, read] of readers) assert.equal(read(text), value, name);
});

test('numbers, booleans, null, empty and nested collections keep their types', () => {
  const value = {
    a: 1,
    b: 0.5,
    c: -3,
    d: true,
    e: false,
    f: null,
    g: [],
    h: {},
    i: [{ x: [1, 'two'], y: { z: [{ deep: ['x'] }] } }, { only: 'one' }],
    j: [[1, 2], ['a']],
  };
  const text = toYaml(value);
  for (const [name, read] of readers) assert.equal(read(text), value, name);
  // "y" is a boolean to YAML 1.1: quoted as a key too.
  assert.match(text, /^a: 1\nb: 0\.5\n/);
  assert.match(text, /\ni:\n  - x: \[1, "two"\]\n    "y":\n      z:\n        - deep: \["x"\]\n  - only: "one"\n/);
});

test('what has no common YAML form is an error, not a guess', () => {
  assert.throws(() => toYaml({ a: Number.NaN }), /NaN has no YAML form/);
  assert.throws(() => toYaml({ a: () => 1 }), /cannot write a function/);
});

test.run();
