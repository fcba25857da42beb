// Keeps schemas/function.schema.json (for editors) in step with the validator
// (for faaso) wherever that is cheap to check.
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { DESCRIPTION_MAX, PACKAGES_KEYS } from '../../src/rules/readers.ts';
import {
  DEBIAN_PACKAGE,
  DNS_LABEL,
  ENV_KEY,
  ENV_VALUE_MAX,
  globProblem,
  HEADER_NAME,
  HTTP_METHODS,
  REQUEST_LINE_MAX,
  REQUEST_PATH,
  RESERVED_ENV_KEYS,
  RESERVED_ENV_PREFIX,
  TEST_BODY_MAX,
} from '../../src/rules/values.ts';
import { FUNCTION_KEYS, validateFunction } from '../../src/function/validate.ts';
import { EXPECT_KEYS, REQUEST_KEYS, TEST_KEYS } from '../../src/function/validate-tests.ts';
import { CONTROL_CHARS } from '../../src/util/fields.ts';

type Json = any;
const schema: Json = JSON.parse(
  fs.readFileSync(new URL('../../schemas/function.schema.json', import.meta.url), 'utf8'),
);
const defs = schema.$defs;
const sorted = (xs: readonly string[]): string[] => [...xs].sort();
/** JSON Schema 2020-12 patterns are ECMA-262 regexes with unicode semantics. */
const re = (pattern: string): RegExp => new RegExp(pattern, 'u');

test('the schema is draft 2020-12 and closed at every level', () => {
  assert.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  for (const s of [schema, schema.properties.packages, defs.test, defs.request, defs.expect])
    assert.is(s.additionalProperties, false);
  assert.equal(schema.required, ['runtime']);
  assert.match(schema.description, /# yaml-language-server: \$schema=\.\.\/\.\.\/schemas\/function\.schema\.json/);
});

test('same field names as the validator, at every level', () => {
  assert.equal(sorted(Object.keys(schema.properties)), sorted(FUNCTION_KEYS));
  assert.equal(sorted(Object.keys(schema.properties.packages.properties)), sorted(PACKAGES_KEYS));
  assert.equal(sorted(Object.keys(defs.test.properties)), sorted(TEST_KEYS));
  assert.equal(sorted(Object.keys(defs.request.properties)), sorted(REQUEST_KEYS));
  assert.equal(sorted(Object.keys(defs.expect.properties)), sorted(EXPECT_KEYS));
});

test('same patterns as the validator', () => {
  assert.is(schema.properties.runtime.pattern, DNS_LABEL.source);
  assert.is(defs.package.pattern, DEBIAN_PACKAGE.source);
  assert.is(defs.envName.pattern, ENV_KEY.source);
  assert.is(defs.headers.propertyNames.pattern, HEADER_NAME.source);
  assert.is(defs.request.properties.path.pattern, REQUEST_PATH.source);
  assert.is(schema.properties.description.maxLength, DESCRIPTION_MAX);
  for (const p of JSON.stringify(schema).match(/"pattern":"(?:[^"\\]|\\.)*"/g)!) re(JSON.parse(`{${p}}`).pattern);
});

test('same size caps as the validator', () => {
  assert.is(defs.test.properties.name.maxLength, DESCRIPTION_MAX);
  assert.is(defs.request.properties.path.maxLength, REQUEST_LINE_MAX);
  assert.is(defs.headers.additionalProperties.anyOf[0].maxLength, REQUEST_LINE_MAX);
  assert.is(defs.request.properties.body.maxLength, TEST_BODY_MAX);
  assert.is(defs.expect.properties.body.maxLength, TEST_BODY_MAX);
});

test('same reserved env names', () => {
  assert.equal(defs.envName.not.anyOf, [{ enum: [...RESERVED_ENV_KEYS] }, { pattern: `^${RESERVED_ENV_PREFIX}` }]);
});

test('same methods (the schema also lists lower case, which the validator accepts)', () => {
  const methods: string[] = defs.request.properties.method.enum.filter((m: unknown) => m !== null);
  assert.equal(sorted([...new Set(methods.map((m) => m.toUpperCase()))]), sorted(HTTP_METHODS));
});

test('same status range', () => {
  const status = defs.expect.properties.status;
  assert.equal([status.minimum, status.maximum, status.default], [100, 599, 200]);
});

test('the schema glob pattern agrees with globProblem on brace-free globs', () => {
  const globPattern = re(defs.glob.pattern);
  const samples = [
    'data/*.json',
    'static/**',
    '**/*.py',
    'a+b@c-d.txt',
    '[ab]?.txt',
    'x/y/z',
    '.well-known/x',
    'a..b',
    '...',
    'a/.b',
    '../secret',
    'a/../b',
    '..',
    'a/..',
    '/etc/passwd',
    '-rf',
    'a b',
    'a\\b',
    'a//b',
    'data/',
    './a',
    'a/./b',
    '.',
    '$x',
    'a;b',
    'a\nb',
    '',
  ];
  for (const g of samples) assert.is(globPattern.test(g), globProblem(g) === undefined, JSON.stringify(g));
  assert.equal(defs.glob.not, { const: 'function.yml' });
});

test('env values: text only (numbers and booleans refused), capped like the validator', () => {
  assert.is(defs.envValue.type, 'string');
  assert.is(defs.envValue.maxLength, ENV_VALUE_MAX);
});

test('the schema env value pattern rejects exactly the control characters', () => {
  const value = re(defs.envValue.pattern);
  for (const v of [
    'plain',
    'with space',
    'ünïcødé',
    '"quoted" $VAR',
    'a\nb',
    'a\rb',
    'a\0b',
    'a\tb',
    'a\u0085b',
    'a\u007fb',
  ]) {
    assert.is(value.test(v), !CONTROL_CHARS.test(v), JSON.stringify(v));
  }
});

test('the schema example is a valid function.yml', () => {
  for (const example of schema.examples) {
    const r = validateFunction(example, {
      name: 'sum',
      dir: '/p/functions/sum',
      file: 'functions/sum/function.yml',
      runtimes: ['python'],
      handlers: { python: 'handler.py' },
      files: ['function.yml', 'handler.py'],
    });
    assert.equal(r.problems.map(formatProblem), []);
  }
});

test.run();
