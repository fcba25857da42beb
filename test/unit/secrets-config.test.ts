// What the user writes about secrets: function.yml `secrets`/`test_secrets`,
// a route's `auth` in faaso.yml, every use checked against the store before
// anything is built (never showing a value), and the JSON Schemas in step.
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { validateFunction, type FunctionContext } from '../../src/function/validate.ts';
import { BASIC_USER, SECRET_NAME } from '../../src/secrets/rules.ts';
import { describeUse, secretProblems, secretUses } from '../../src/secrets/uses.ts';
import { AUTH_KEYS, ROUTE_KEYS } from '../../src/stack/config/auth.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';

const test = suite('secrets config');
type Json = any;
const F = 'functions/db/function.yml';
const ctx: FunctionContext = {
  name: 'db',
  dir: '/p/functions/db',
  file: F,
  runtimes: ['python'],
  handlers: { python: 'handler.py' },
  files: ['function.yml', 'handler.py'],
};
const TEST = { name: 't', expect: { status: 200 } };
const fnProblems = (raw: Record<string, unknown>): string[] =>
  validateFunction({ runtime: 'python', ...raw }, ctx).problems.map(formatProblem);

const stack = (routes: Record<string, unknown>) =>
  validateStackConfig({ routes }, { file: 'faaso.yml', functions: ['admin', 'sum'], registry: '127.0.0.1:5000' });
const stackProblems = (routes: Record<string, unknown>): string[] => stack(routes).problems.map(formatProblem);

test('function.yml: secrets sorted; test values per secret; every declared one needs a test value when there are tests', () => {
  const spec = validateFunction(
    {
      runtime: 'python',
      secrets: ['z-key', 'db-password'],
      test_secrets: { 'db-password': 'x', 'z-key': 1234 },
      tests: [TEST],
    },
    ctx,
  ).spec!;
  assert.equal(spec.secrets, ['db-password', 'z-key']);
  assert.equal(spec.testSecrets, { 'db-password': 'x', 'z-key': '1234' });
  assert.equal(fnProblems({ secrets: ['db-password'] }), [], 'no tests: no test value needed');
  assert.equal(fnProblems({ secrets: ['db-password'], tests: [TEST] }), [
    `${F}: test_secrets: no test value for "db-password": the tests never read the secret store; add test_secrets: {db-password: "a test value"}`,
  ]);
});

test('function.yml: bad names, duplicates, unknown and empty test values — all at once', () => {
  assert.equal(fnProblems({ secrets: ['Bad', 'ok', 'ok', 7], test_secrets: { ok: '', other: 'x' } }), [
    `${F}: secrets[3]: must be a string (got an integer)`,
    `${F}: secrets[0]: invalid secret name "Bad": lower-case letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters`,
    `${F}: secrets[2]: "ok" is listed twice`,
    `${F}: test_secrets.ok: must not be empty (a secret is never empty)`,
    `${F}: test_secrets.other: "other" is not listed under secrets; declare it there, or remove this test value`,
  ]);
  assert.equal(fnProblems({ secrets: 'db' }), [
    `${F}: secrets: must be a list of secret names such as [db-password] (got a string)`,
  ]);
});

test('faaso.yml: a route with auth; api_keys and basic read and sorted', () => {
  const r = stack({
    '/admin': { function: 'admin', auth: { api_keys: ['k2', 'k1'], basic: { bob: 'bob-pw', alice: 'alice-pw' } } },
    '/sum': 'sum',
  });
  assert.equal(r.problems, []);
  assert.equal(r.config!.routes, [
    {
      path: '/admin',
      function: 'admin',
      auth: {
        apiKeys: ['k1', 'k2'],
        basic: [
          { user: 'alice', secret: 'alice-pw' },
          { user: 'bob', secret: 'bob-pw' },
        ],
      },
    },
    { path: '/sum', function: 'sum' },
  ]);
  assert.equal(
    r.config!.functions.map((f) => f.name),
    ['admin', 'sum'],
    'a function routed through a mapping is routed',
  );
});

test('faaso.yml: every mistake in a route mapping, with its field', () => {
  assert.equal(
    stackProblems({
      '/a': { function: 'admin', auth: {} },
      '/b': { function: 'admin', auth: { api_keys: [], basic: { 'al ice': 'pw', bob: 'Bad!' }, keys: 1 } },
      '/c': { auth: { api_keys: ['k'] } },
      '/d': { function: 'admin', auth: 'k', extra: 1 },
    }),
    [
      'faaso.yml: routes["/a"].auth: must say who may call the route: {api_keys: [my-key]} or {basic: {alice: alice-password}} (or remove auth)',
      'faaso.yml: routes["/b"].auth.keys: unknown field "keys" (known fields of routes["/b"].auth: api_keys, basic)',
      'faaso.yml: routes["/b"].auth.api_keys: must name at least one secret (or remove api_keys)',
      'faaso.yml: routes["/b"].auth.basic["al ice"]: invalid user name "al ice": letters, digits and . _ ~ @ + -, at most 64',
      'faaso.yml: routes["/b"].auth.basic.bob: invalid secret name "Bad!": lower-case letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters',
      'faaso.yml: routes["/c"].function: required: the function serving this route',
      'faaso.yml: routes["/d"].extra: unknown field "extra" (known fields of routes["/d"]: auth, function)',
      'faaso.yml: routes["/d"].auth: must be a mapping such as {api_keys: [my-key]} or {basic: {alice: alice-password}} (got a string)',
    ],
  );
});

test('faaso.yml: one user has one password per function (its own port takes the users of all its routes)', () => {
  assert.equal(
    stackProblems({
      '/a': { function: 'admin', auth: { basic: { alice: 'pw-1' } } },
      '/b': { function: 'admin', auth: { basic: { alice: 'pw-2' } } },
      '/c': { function: 'sum', auth: { basic: { alice: 'pw-3' } } },
    }),
    [
      'faaso.yml: routes["/b"].auth.basic.alice: user "alice" has the secret "pw-1" on /a, another route to admin: use one secret per user and function (its own port accepts the users of all its routes)',
    ],
  );
});

test('uses: every function and route naming a secret; problems name each use, never a value', () => {
  const { config } = stack({
    '/admin': { function: 'admin', auth: { api_keys: ['short-key', 'unset-key'], basic: { alice: 'long-pw' } } },
  });
  const uses = secretUses('faaso.yml', config!.routes, [
    { name: 'sum', file: 'functions/sum/function.yml', secrets: ['unset-key'] },
  ]);
  assert.equal(uses.map(describeUse), [
    'route /admin (user alice)',
    'route /admin (API key)',
    'route /admin (API key)',
    'function sum',
  ]);
  const values = new Map([
    ['short-key', Buffer.from('abc123')],
    ['long-pw', Buffer.from('p'.repeat(73))],
  ]);
  const problems = secretProblems(uses, values).map(formatProblem);
  assert.equal(problems, [
    'faaso.yml: routes["/admin"].auth.basic.alice: secret "long-pw" has 73 bytes; bcrypt reads at most 72, so a password must not be longer',
    'faaso.yml: routes["/admin"].auth.api_keys[0]: secret "short-key" has 6 characters; an API key needs at least 16; generate one: head -c 32 /dev/urandom | base64 | npx zx scripts/secret.mjs set short-key',
    'faaso.yml: routes["/admin"].auth.api_keys[1]: secret "unset-key" is not set: npx zx scripts/secret.mjs set unset-key (the value is read from stdin)',
    'functions/sum/function.yml: secrets[0]: secret "unset-key" is not set: npx zx scripts/secret.mjs set unset-key (the value is read from stdin)',
  ]);
  for (const p of problems) assert.not.match(p, /abc123|ppppp/);
  const spaced = secretProblems(uses.slice(1, 2), new Map([['short-key', Buffer.from('a key with spaces 1234')]]));
  assert.match(spaced[0]!.message, /spaces, control or non-ASCII characters/);
});

test('schemas: secret names, route and auth fields, basic user names as the validators have them', () => {
  const read = (f: string): Json => JSON.parse(fs.readFileSync(new URL(`../../schemas/${f}`, import.meta.url), 'utf8'));
  const fn = read('function.schema.json');
  const st = read('faaso.schema.json');
  assert.is(fn.$defs.secretName.pattern, SECRET_NAME.source);
  assert.is(st.$defs.secretName.pattern, SECRET_NAME.source);
  assert.equal(fn.properties.secrets.items, { $ref: '#/$defs/secretName' });
  assert.equal(fn.properties.test_secrets.propertyNames, { $ref: '#/$defs/secretName' });
  assert.equal(Object.keys(st.$defs.route.properties).sort(), [...ROUTE_KEYS].sort());
  assert.equal(st.$defs.route.additionalProperties, false);
  assert.equal(Object.keys(st.$defs.auth.properties).sort(), [...AUTH_KEYS].sort());
  assert.equal(st.$defs.auth.additionalProperties, false);
  assert.is(st.$defs.auth.properties.basic.propertyNames.pattern, BASIC_USER.source);
  assert.equal(st.properties.routes.additionalProperties.oneOf, [
    { $ref: '#/$defs/functionName' },
    { $ref: '#/$defs/route' },
  ]);
});

test.run();
