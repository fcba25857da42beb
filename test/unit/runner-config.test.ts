import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem, UserError, ValidationError } from '../../src/errors.ts';
import { exampleStackFile, loadStackConfig } from '../../src/stack/config/load.ts';
import { routePathProblem } from '../../src/stack/config/rules.ts';
import { validateStackConfig, type StackContext } from '../../src/stack/config/validate.ts';
import {
  assignDefaultPorts,
  DEFAULT_PORT_BASE,
  DEFAULT_PORT_SPAN,
  fnv1a,
  preferredPort,
} from '../../src/stack/config/ports.ts';
import type { StackConfig } from '../../src/stack/types.ts';

const F = 'faaso.yml';
const FUNCTIONS = ['hello', 'multiply', 'sum'];
const ROUTES = { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' };

function ctx(over: Partial<StackContext> = {}): StackContext {
  return { file: F, functions: FUNCTIONS, registry: '127.0.0.1:5000', hostCpus: 4, ...over };
}

const problems = (raw: unknown, over: Partial<StackContext> = {}): string[] =>
  validateStackConfig(raw, ctx(over)).problems.map(formatProblem);

function valid(raw: unknown, over: Partial<StackContext> = {}): StackConfig {
  const r = validateStackConfig(raw, ctx(over));
  assert.equal(r.problems.map(formatProblem), []);
  assert.ok(r.config);
  return r.config!;
}

/** Asserts exactly one problem, `faaso.yml: FIELD: message` with the message matching `re`. */
function oneProblem(raw: unknown, field: string, re: RegExp, over: Partial<StackContext> = {}): void {
  const got = validateStackConfig(raw, ctx(over)).problems;
  assert.is(got.length, 1, `expected one problem, got: ${got.map(formatProblem).join(' | ')}`);
  assert.is(got[0]!.file, F);
  assert.is(got[0]!.field, field);
  assert.match(got[0]!.message, re);
}

const portOf = (c: StackConfig, name: string): number => c.functions.find((f) => f.name === name)!.port;

// ---- whole file ----

test('the example faaso.yml: routes sorted by path, functions by name, every default', () => {
  const c = valid({ routes: ROUTES });
  assert.equal(c.file, F);
  assert.is(c.bind, '127.0.0.1');
  assert.equal(c.proxy, { port: 8080 });
  assert.is(c.registry, '127.0.0.1:5000');
  assert.equal(c.routes, [
    { path: '/hello', function: 'hello' },
    { path: '/mul', function: 'multiply' },
    { path: '/sum', function: 'sum' },
  ]);
  assert.equal(
    c.functions.map((f) => f.name),
    ['hello', 'multiply', 'sum'],
  );
  for (const f of c.functions) {
    assert.equal(f.env, {});
    assert.equal(f.limits, { memory: '256m', cpus: 1, pids: 256 });
    assert.is(f.port, preferredPort(f.name));
  }
});

test('every field set', () => {
  const c = valid({
    routes: { '/sum': 'sum', '/add': 'sum' },
    proxy: { port: 9090 },
    bind: '0.0.0.0',
    registry: 'registry.example:443',
    functions: {
      sum: {
        port: 8101,
        env: { GREETING: 'hi', N: '3', DEBUG: 'true' },
        memory: '1g',
        cpus: 0.5,
        pids: 128,
        replicas: 3,
        update: { parallelism: 2 },
      },
    },
  });
  assert.is(c.bind, '0.0.0.0');
  assert.equal(c.proxy, { port: 9090 });
  assert.is(c.registry, 'registry.example:443');
  assert.equal(c.routes, [
    { path: '/add', function: 'sum' },
    { path: '/sum', function: 'sum' },
  ]);
  assert.equal(c.functions, [
    {
      name: 'sum',
      port: 8101,
      env: { DEBUG: 'true', GREETING: 'hi', N: '3' },
      limits: { memory: '1g', cpus: 0.5, pids: 128 },
      replicas: 3,
      parallelism: 2,
    },
  ]);
});

test('empty values mean the default', () => {
  const c = valid({ routes: { '/sum': 'sum' }, proxy: null, bind: null, registry: null, functions: { sum: null } });
  assert.equal([c.bind, c.proxy.port, c.registry], ['127.0.0.1', 8080, '127.0.0.1:5000']);
  const d = valid({
    routes: { '/sum': 'sum' },
    proxy: { port: null },
    functions: { sum: { port: null, env: null, memory: null, cpus: null, pids: null, replicas: null } },
  });
  assert.equal(d.functions[0]!.limits, { memory: '256m', cpus: 1, pids: 256 });
});

test('the registry defaults to the one faaso was started with (FAASO_REGISTRY)', () => {
  assert.is(valid({ routes: ROUTES }, { registry: '10.0.0.5:5000' }).registry, '10.0.0.5:5000');
});

test('a file that is not a mapping is one clear problem', () => {
  assert.equal(problems(['/sum']), [
    `${F}: must be a mapping of fields (target, routes, proxy, bind, registry, functions); got a list`,
  ]);
  assert.equal(problems('routes').length, 1);
});

test('unknown keys at every level, with suggestions', () => {
  assert.equal(
    problems({ routes: ROUTES, rotues: {}, proxy: { prot: 1 }, functions: { sum: { memmory: '1g', ports: 8101 } } }),
    [
      `${F}: rotues: unknown field "rotues" (did you mean "routes"?)`,
      `${F}: functions.sum.memmory: unknown field "memmory" (did you mean "memory"?)`,
      `${F}: functions.sum.ports: unknown field "ports" (did you mean "port"?)`,
      `${F}: proxy.prot: unknown field "prot" (did you mean "port"?)`,
    ],
  );
  oneProblem(
    { routes: ROUTES, colour: 'red' },
    'colour',
    /unknown field "colour" \(known fields: bind, functions, proxy, registry, routes, target\)/,
  );
});

test('every problem is reported at once, each with file and field', () => {
  const got = problems({
    routes: { sum: 'sum', '/mul': 'mult', '/hello/': 'hello' },
    bind: 'localhost',
    proxy: { port: 80 },
    functions: { sum: { port: 8080, memory: '1G', cpus: 0, pids: 8, replicas: 0, env: { PORT: '1' } }, nope: {} },
  });
  assert.equal(
    got.map((l) => l.split(': ').slice(0, 2).join(': ')),
    [
      `${F}: routes.sum`,
      `${F}: routes["/mul"]`,
      `${F}: routes["/hello/"]`,
      `${F}: functions.sum.env.PORT`,
      `${F}: functions.sum.memory`,
      `${F}: functions.sum.cpus`,
      `${F}: functions.sum.pids`,
      `${F}: functions.sum.replicas`,
      `${F}: functions.nope`,
      `${F}: bind`,
      `${F}: proxy.port`,
    ],
  );
});

// ---- routes ----

test('routes are required, a mapping, and not empty', () => {
  oneProblem({}, 'routes', /^required: a mapping of path → function, e\.g\. "\/sum: sum"$/);
  oneProblem({ routes: null }, 'routes', /^required/);
  oneProblem({ routes: ['/sum'] }, 'routes', /must be a mapping of path → function.*\(got a list\)/);
  oneProblem({ routes: {} }, 'routes', /must route at least one path/);
});

test('a path without a leading slash', () => {
  oneProblem({ routes: { sum: 'sum' } }, 'routes.sum', /^must start with "\/" \(write "\/sum"\)$/);
});

test('malformed paths, one clear message each', () => {
  const cases: Array<[string, RegExp]> = [
    ['/', /"\/" alone is not a route/],
    ['//', /"\/" alone is not a route/],
    ['/a//b', /must not contain "\/\/"/],
    ['/sum/', /must not end with "\/" \(write "\/sum": it serves its sub-paths too\)/],
    ['/a/../b', /must not contain "\." or "\.\." segments/],
    ['/.', /"\." or "\.\."/],
    ['/..', /"\." or "\.\."/],
    ['/a b', /may only use letters, digits and \. _ ~ - between "\/" \(got " "\)/],
    ['/a%20b', /\(got "%"\)/],
    ['/a?x=1', /\(got "\?"\)/],
    ['/ünï', /\(got "ü"\)/],
    ['/a\nb', /\(got "\\n"\)/],
    ['/__faaso', /reserved for the proxy/],
    ['/__faaso/health', /reserved for the proxy/],
    ['/__FAASO', /reserved for the proxy/],
    ['/__faasox', /reserved for the proxy/],
  ];
  for (const [path, re] of cases) oneProblem({ routes: { [path]: 'sum' } }, `routes[${JSON.stringify(path)}]`, re);
  oneProblem({ routes: { '': 'sum' } }, 'routes[""]', /must not be empty/);
});

test('valid paths: nested, dots inside names, unreserved characters, case kept', () => {
  const paths = ['/api/v2/sum', '/a.b', '/...', '/x~y_z-1', '/Sum', '/_faaso', '/faaso'];
  for (const path of paths) assert.is(routePathProblem(path), undefined, path);
  const c = valid({ routes: { '/api': 'sum', '/api/v2': 'multiply', '/Hello': 'hello' } });
  assert.equal(
    c.routes.map((r) => r.path),
    ['/Hello', '/api', '/api/v2'],
  );
});

test('"/sum" and "/sum/" are the same route', () => {
  oneProblem(
    { routes: { '/sum': 'sum', '/sum/': 'multiply' } },
    'routes["/sum/"]',
    /^same route as "\/sum", which already serves \/sum\/ and everything below it; remove this one$/,
  );
  // Whatever the order in the file.
  oneProblem({ routes: { '/sum/': 'multiply', '/sum': 'sum' } }, 'routes["/sum/"]', /same route as "\/sum"/);
});

test('paths differing only in case are the same route (Caddy matches paths ignoring case)', () => {
  oneProblem(
    { routes: { '/sum': 'sum', '/SUM': 'multiply' } },
    'routes["/SUM"]',
    /^same route as "\/sum": the proxy matches paths ignoring case; remove one$/,
  );
});

test('exact duplicate paths are caught by the YAML parser (see the loader test)', async () => {
  const root = project({ 'faaso.yml': 'routes:\n  /sum: sum\n  /sum: multiply\n' });
  const err = await loadStackConfig(root, { functions: FUNCTIONS }).catch((e) => e);
  assert.instance(err, ValidationError);
  assert.match(err.message, /^faaso\.yml: line 3, column 3: Map keys must be unique/);
});

test('unknown function: lists the available ones and suggests the closest', () => {
  oneProblem(
    { routes: { '/mul': 'mult' } },
    'routes["/mul"]',
    /^unknown function "mult" \(available: hello, multiply, sum\); did you mean "multiply"\?$/,
  );
  oneProblem(
    { routes: { '/x': 'zzz' } },
    'routes["/x"]',
    /^unknown function "zzz" \(available: hello, multiply, sum\)$/,
  );
  oneProblem({ routes: { '/x': 'sum' } }, 'routes["/x"]', /there are no functions under functions\/ yet/, {
    functions: [],
  });
});

test('a route target must be a name, or a mapping naming the function', () => {
  oneProblem(
    { routes: { '/sum': ['sum'] } },
    'routes["/sum"]',
    /must be a function name, e\.g\. "\/sum: sum", or \{function: NAME, auth: …\} \(got a list\)/,
  );
  oneProblem(
    { routes: { '/sum': { function: 7 } } },
    'routes["/sum"].function',
    /must be a function name.*\(got an integer\)/,
  );
  oneProblem({ routes: { '/sum': null } }, 'routes["/sum"]', /must be a function name.*\(got nothing \(null\)\)/);
});

test('a function named "proxy" cannot be routed: the service name is taken', () => {
  oneProblem(
    { routes: { '/p': 'proxy' } },
    'routes["/p"]',
    /faaso's own proxy service has that name \(rename functions\/proxy\/\)/,
    { functions: ['proxy'] },
  );
});

test('a malformed path and an unknown function on one route are both reported', () => {
  assert.equal(problems({ routes: { mul: 'mult' } }).length, 2);
});

// ---- functions: ----

test('settings for an unknown or unrouted function are errors', () => {
  oneProblem(
    { routes: ROUTES, functions: { summ: { port: 8101 } } },
    'functions.summ',
    /^unknown function "summ" \(available: hello, multiply, sum\); did you mean "sum"\?$/,
  );
  oneProblem(
    { routes: { '/sum': 'sum' }, functions: { hello: { memory: '64m' } } },
    'functions.hello',
    /^not routed: add a route such as "\/hello: hello" under routes, or remove these settings$/,
  );
});

test('the fields of a bad entry are still checked', () => {
  assert.equal(problems({ routes: { '/sum': 'sum' }, functions: { hello: { pids: 1 } } }).length, 2);
});

test('functions and each entry must be mappings', () => {
  oneProblem({ routes: ROUTES, functions: ['sum'] }, 'functions', /must be a mapping of function name → settings/);
  oneProblem(
    { routes: ROUTES, functions: { sum: 8101 } },
    'functions.sum',
    /must be a mapping of settings \(port, env, memory, cpus, pids, replicas, update, schedule\); got an integer/,
  );
});

test('ports: integers from 1024 to 65535', () => {
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 80 } } },
    'functions.sum.port',
    /^must be from 1024 to 65535 \(got 80\); ports below 1024 need root on the host$/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 70000 } } },
    'functions.sum.port',
    /^must be from 1024 to 65535 \(got 70000\)$/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: '8101' } } },
    'functions.sum.port',
    /must be a port number, an integer from 1024 to 65535 \(got a string\)/,
  );
  oneProblem({ routes: ROUTES, functions: { sum: { port: 8101.5 } } }, 'functions.sum.port', /\(got a number\)/);
  oneProblem({ routes: ROUTES, proxy: { port: 1023 } }, 'proxy.port', /ports below 1024 need root/);
  assert.is(portOf(valid({ routes: ROUTES, functions: { sum: { port: 1024 } } }), 'sum'), 1024);
  assert.is(portOf(valid({ routes: ROUTES, functions: { sum: { port: 65535 } } }), 'sum'), 65535);
});

test('two functions on one port', () => {
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 9000 }, multiply: { port: 9000 } } },
    'functions.sum.port',
    /^port 9000 is already used by function "multiply" \(functions\.multiply\.port\); pick another$/,
  );
});

test('a function on the proxy port', () => {
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 8080 } } },
    'functions.sum.port',
    /^port 8080 is already used by the proxy \(proxy\.port\); pick another$/,
  );
  oneProblem(
    { routes: ROUTES, proxy: { port: 9000 }, functions: { sum: { port: 9000 } } },
    'functions.sum.port',
    /the proxy/,
  );
});

test("the loopback registry's port is reserved when it shares the bind address", () => {
  const on5000 = { routes: ROUTES, functions: { sum: { port: 5000 } } };
  oneProblem(
    on5000,
    'functions.sum.port',
    /^port 5000 is already used by faaso's registry \(127\.0\.0\.1:5000\); pick another$/,
  );
  oneProblem({ ...on5000, bind: '0.0.0.0' }, 'functions.sum.port', /faaso's registry/);
  oneProblem(on5000, 'functions.sum.port', /faaso's registry \(localhost:5000\)/, { registry: 'localhost:5000' });
  oneProblem({ routes: ROUTES, proxy: { port: 5000 } }, 'proxy.port', /^port 5000 is already used by faaso's registry/);
  // Another loopback address, or a remote registry: no clash.
  assert.is(portOf(valid({ ...on5000, bind: '127.0.0.2' }), 'sum'), 5000);
  assert.is(portOf(valid(on5000, { registry: 'registry.example:5000' }), 'sum'), 5000);
  // The registry in faaso.yml counts, not the default.
  assert.is(portOf(valid({ ...on5000, registry: '127.0.0.1:5001' }), 'sum'), 5000);
});

test('reserved ports passed in by the caller', () => {
  const reservedPorts = new Map([[9000, 'the metrics agent']]);
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 9000 } } },
    'functions.sum.port',
    /^port 9000 is already used by the metrics agent; pick another$/,
    { reservedPorts },
  );
  oneProblem({ routes: ROUTES, proxy: { port: 9000 } }, 'proxy.port', /the metrics agent/, { reservedPorts });
});

test('memory: a lower-case size of at least 16m', () => {
  for (const m of ['16m', '256m', '1g', '16384k', '2g'])
    assert.is(valid({ routes: ROUTES, functions: { sum: { memory: m } } }).functions[2]!.limits.memory, m);
  oneProblem(
    { routes: ROUTES, functions: { sum: { memory: '256M' } } },
    'functions.sum.memory',
    /must be a size with a unit, e\.g\. "256m" or "1g" \(k, m or g\); got "256M" \(write "256m"\)/,
  );
  oneProblem({ routes: ROUTES, functions: { sum: { memory: '1gb' } } }, 'functions.sum.memory', /\(write "1g"\)/);
  oneProblem({ routes: ROUTES, functions: { sum: { memory: '256' } } }, 'functions.sum.memory', /got "256"$/);
  oneProblem({ routes: ROUTES, functions: { sum: { memory: 256 } } }, 'functions.sum.memory', /\(got an integer\)/);
  oneProblem(
    { routes: ROUTES, functions: { sum: { memory: '8m' } } },
    'functions.sum.memory',
    /^must be at least 16m \(got 8m\)/,
  );
  oneProblem({ routes: ROUTES, functions: { sum: { memory: '16383k' } } }, 'functions.sum.memory', /at least 16m/);
});

test('memory: at most 1024g, which Docker accepts; a number past int64 bytes is refused, not passed on', () => {
  for (const m of ['1024g', '1048576m'])
    assert.is(valid({ routes: ROUTES, functions: { sum: { memory: m } } }).functions[2]!.limits.memory, m);
  for (const m of ['1025g', '99999999999999999999g', `${'9'.repeat(400)}k`])
    oneProblem({ routes: ROUTES, functions: { sum: { memory: m } } }, 'functions.sum.memory', /^must be at most 1024g/);
  oneProblem({ routes: ROUTES, proxy: { memory: '2048g' } }, 'proxy.memory', /^must be at most 1024g \(got 2048g\)$/);
});

test('cpus: at most 9 decimals (Docker counts nano-CPUs)', () => {
  assert.is(
    valid({ routes: ROUTES, functions: { sum: { cpus: 0.123456789 } } }).functions[2]!.limits.cpus,
    0.123456789,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { cpus: 0.1234567891 } } },
    'functions.sum.cpus',
    /^must have at most 9 decimals: Docker counts nano-CPUs \(got 0\.1234567891\)$/,
  );
});

test("cpus: 0.05 up to the host's CPUs (at most 64)", () => {
  for (const cpus of [0.05, 0.5, 1, 4])
    assert.is(valid({ routes: ROUTES, functions: { sum: { cpus } } }).functions[2]!.limits.cpus, cpus);
  oneProblem(
    { routes: ROUTES, functions: { sum: { cpus: 0.01 } } },
    'functions.sum.cpus',
    /^must be from 0\.05 to 4 \(this host has 4 CPUs\) \(got 0\.01\)$/,
  );
  oneProblem({ routes: ROUTES, functions: { sum: { cpus: 5 } } }, 'functions.sum.cpus', /this host has 4 CPUs/);
  oneProblem(
    { routes: ROUTES, functions: { sum: { cpus: '1' } } },
    'functions.sum.cpus',
    /must be a number of CPUs.*\(got a string\)/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { cpus: 65 } } },
    'functions.sum.cpus',
    /^must be from 0\.05 to 64 \(got 65\)$/,
    { hostCpus: 128 },
  );
  assert.is(
    valid({ routes: ROUTES, functions: { sum: { cpus: 64 } } }, { hostCpus: undefined }).functions[2]!.limits.cpus,
    64,
  );
});

test("proxy limits: the same fields and rules as a function's, kept only when given", () => {
  assert.equal(valid({ routes: ROUTES, proxy: { cpus: 2 } }).proxy, {
    port: 8080,
    limits: { memory: '256m', cpus: 2, pids: 256 },
  });
  assert.equal(valid({ routes: ROUTES, proxy: { memory: '512m', pids: 64 } }).proxy.limits, {
    memory: '512m',
    cpus: 1,
    pids: 64,
  });
  // Absent (or null): no limits key, so plans of configs that never mention them compare as before.
  assert.equal(valid({ routes: ROUTES, proxy: { port: 9090, cpus: null } }).proxy, { port: 9090 });
  assert.equal(problems({ routes: ROUTES, proxy: { memory: '1GB', cpus: 8, pids: 1 } }), [
    'faaso.yml: proxy.memory: must be a size with a unit, e.g. "256m" or "1g" (k, m or g); got "1GB" (write "1g")',
    'faaso.yml: proxy.cpus: must be from 0.05 to 4 (this host has 4 CPUs) (got 8)',
    'faaso.yml: proxy.pids: must be from 16 to 65536 (got 1)',
  ]);
});

test('pids: an integer from 16 to 65536', () => {
  assert.is(valid({ routes: ROUTES, functions: { sum: { pids: 16 } } }).functions[2]!.limits.pids, 16);
  oneProblem(
    { routes: ROUTES, functions: { sum: { pids: 15 } } },
    'functions.sum.pids',
    /^must be from 16 to 65536 \(got 15\)$/,
  );
  oneProblem({ routes: ROUTES, functions: { sum: { pids: 100000 } } }, 'functions.sum.pids', /got 100000/);
  oneProblem(
    { routes: ROUTES, functions: { sum: { pids: 1.5 } } },
    'functions.sum.pids',
    /an integer from 16 to 65536/,
  );
});

test('replicas: 1 to 32, default 1; update.parallelism: 1 to the replicas, default 1', () => {
  const c = valid({
    routes: ROUTES,
    functions: { sum: { replicas: 32, update: { parallelism: 4 } }, hello: { replicas: 1 } },
  });
  assert.equal(
    c.functions.map((f) => [f.name, f.replicas, f.parallelism]),
    [
      ['hello', 1, 1],
      ['multiply', 1, 1],
      ['sum', 32, 4],
    ],
  );
  assert.equal(
    valid({ routes: ROUTES, functions: { sum: { update: null, replicas: null } } }).functions[2]!.replicas,
    1,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { replicas: 33 } } },
    'functions.sum.replicas',
    /^must be from 1 to 32 \(got 33\)$/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { replicas: 0 } } },
    'functions.sum.replicas',
    /^must be from 1 to 32 \(got 0\)$/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { replicas: 'one' } } },
    'functions.sum.replicas',
    /must be a number of replicas, an integer from 1 to 32 \(got a string\)/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { replicas: 2, update: { parallelism: 3 } } } },
    'functions.sum.update.parallelism',
    /must not exceed replicas \(2\)/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { update: 2 } } },
    'functions.sum.update',
    /must be a mapping such as "\{parallelism: 1\}"/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { update: { paralelism: 1 } } } },
    'functions.sum.update.paralelism',
    /did you mean "parallelism"/,
  );
});

test('env: the same rules as function.yml, PORT and FAASO_* reserved', () => {
  const c = valid({ routes: ROUTES, functions: { sum: { env: { B: 'x y', A: '', PRICE: '$5' } } } });
  assert.equal(c.functions[2]!.env, { A: '', B: 'x y', PRICE: '$5' });
  assert.equal(
    problems({
      routes: ROUTES,
      functions: { sum: { env: { PORT: '1', FAASO_X: '1', 'BAD-KEY': '1', NL: 'a\nb', OBJ: { a: 1 } } } },
    }),
    [
      `${F}: functions.sum.env.PORT: PORT is reserved (the server always listens on port 3000)`,
      `${F}: functions.sum.env.FAASO_X: names starting with FAASO_ are reserved for faaso`,
      `${F}: functions.sum.env.BAD-KEY: invalid variable name "BAD-KEY" (letters, digits and _, not starting with a digit)`,
      `${F}: functions.sum.env.NL: must not contain line breaks or control characters (got "a\\nb")`,
      `${F}: functions.sum.env.OBJ: must be text in quotes (got a mapping); write OBJ: "" for an empty value`,
    ],
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { env: { COUNT: 10 } } } },
    'functions.sum.env.COUNT',
    /YAML reads this value as the number 10, not as text: quote it exactly as you mean it, e\.g\. COUNT: "10"/,
  );
  oneProblem(
    { routes: ROUTES, functions: { sum: { env: ['A=1'] } } },
    'functions.sum.env',
    /must be a mapping of NAME: value \(got a list\)/,
  );
});

test('bind: an IPv4 address', () => {
  for (const bind of ['127.0.0.1', '0.0.0.0', '192.168.1.20', '10.0.0.255'])
    assert.is(valid({ routes: ROUTES, bind }).bind, bind);
  for (const bind of ['localhost', '::1', '127.0.0', '256.0.0.1', '127.000.0.1', '01.2.3.4', ' 127.0.0.1']) {
    oneProblem(
      { routes: ROUTES, bind },
      'bind',
      /^must be an IPv4 address such as 127\.0\.0\.1 \(loopback only\) or 0\.0\.0\.0 \(every interface\); got "/,
    );
  }
  oneProblem({ routes: ROUTES, bind: 127 }, 'bind', /got an integer$/);
});

test('registry: host:port', () => {
  for (const registry of ['127.0.0.1:5000', 'localhost:5000', 'registry.example.com:443', '[::1]:5000'])
    assert.is(valid({ routes: ROUTES, registry }).registry, registry);
  for (const registry of ['127.0.0.1', 'http://x:5000', 'x:0', 'x:99999', 'a b:1']) {
    oneProblem(
      { routes: ROUTES, registry },
      'registry',
      /^invalid registry address ".*": use host:port, e\.g\. 127\.0\.0\.1:5000$/,
    );
  }
  oneProblem({ routes: ROUTES, registry: 5000 }, 'registry', /must be host:port/);
});

test('proxy must be a mapping', () => {
  oneProblem({ routes: ROUTES, proxy: 8080 }, 'proxy', /must be a mapping such as "\{port: 8080\}" \(got an integer\)/);
});

// ---- default ports ----

test('fnv1a is the standard 32-bit FNV-1a', () => {
  assert.is(fnv1a(''), 0x811c9dc5);
  assert.is(fnv1a('a'), 0xe40c292c);
  assert.is(fnv1a('foobar'), 0xbf9cf968);
});

test('default ports are stable: the same config gives the same ports, in any key order', () => {
  const a = valid({ routes: ROUTES });
  const b = valid({ routes: { '/hello': 'hello', '/sum': 'sum', '/mul': 'multiply' } });
  assert.equal(a.functions, b.functions);
  // Pinned: changing the hash or the range moves everybody's ports, which must be a conscious decision.
  assert.equal(
    a.functions.map((f) => [f.name, f.port]),
    [
      ['hello', 8623],
      ['multiply', 8393],
      ['sum', 8460],
    ],
  );
  for (const f of a.functions) assert.ok(f.port >= DEFAULT_PORT_BASE && f.port < DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN);
});

test('adding an unrelated function does not move existing ports', () => {
  const before = valid({ routes: { '/sum': 'sum', '/mul': 'multiply' } });
  const after = valid({ routes: { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' } });
  assert.is(portOf(after, 'sum'), portOf(before, 'sum'));
  assert.is(portOf(after, 'multiply'), portOf(before, 'multiply'));
});

test('default ports probe upward past explicit ports, the proxy and reserved ports', () => {
  const sum = preferredPort('sum');
  assert.is(portOf(valid({ routes: ROUTES, functions: { hello: { port: sum } } }), 'sum'), sum + 1);
  assert.is(portOf(valid({ routes: ROUTES, proxy: { port: sum } }), 'sum'), sum + 1);
  assert.is(
    portOf(
      valid(
        { routes: ROUTES },
        {
          reservedPorts: new Map([
            [sum, 'x'],
            [sum + 1, 'y'],
          ]),
        },
      ),
      'sum',
    ),
    sum + 2,
  );
});

test('colliding names: the first in sorted order keeps the port, the next probes upward', () => {
  // Find two names with the same preferred port.
  const seen = new Map<number, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; !pair; i++) {
    const name = `fn${i}`;
    const other = seen.get(preferredPort(name));
    if (other) pair = [other, name];
    else seen.set(preferredPort(name), name);
  }
  const [a, b] = pair.sort();
  const ports = assignDefaultPorts([b!, a!], new Set());
  assert.is(ports.get(a!), preferredPort(a!));
  assert.is(
    ports.get(b!),
    preferredPort(a!) + 1 === DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN ? DEFAULT_PORT_BASE : preferredPort(a!) + 1,
  );
});

test('probing wraps around within the range, and gives up only when it is full', () => {
  const top = DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN - 1;
  const name = 'sum';
  const taken = new Set<number>();
  for (let p = preferredPort(name); p <= top; p++) taken.add(p);
  assert.is(assignDefaultPorts([name], taken).get(name), DEFAULT_PORT_BASE);
  const full = new Set(Array.from({ length: DEFAULT_PORT_SPAN }, (_, i) => DEFAULT_PORT_BASE + i));
  assert.is(assignDefaultPorts([name], full).get(name), undefined);
  const reservedPorts = new Map([...full].map((p) => [p, 'x']));
  oneProblem({ routes: { '/sum': 'sum' } }, 'functions.sum.port', /^no free default port left in 8100-8899; set one$/, {
    reservedPorts,
  });
});

// ---- loading ----

const roots: string[] = [];
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-stack-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}
test.after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

test("loads the project's faaso.yml, listing functions/ itself", async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\n',
    'functions/hello/function.yml': 'runtime: node\n',
    'faaso.yml': '# yaml-language-server: $schema=./schemas/faaso.schema.json\nroutes:\n  /sum: sum\n  /hi: hello\n',
  });
  const c = await loadStackConfig(root, { registry: '127.0.0.1:5000' });
  assert.equal(c.routes, [
    { path: '/hi', function: 'hello' },
    { path: '/sum', function: 'sum' },
  ]);
  const err = await loadStackConfig(root, { functions: ['sum'] }).catch((e) => e);
  assert.instance(err, ValidationError);
  assert.is(err.message, 'faaso.yml: routes["/hi"]: unknown function "hello" (available: sum)');
  assert.match(err.hint, /schemas\/faaso\.schema\.json/);
});

test('a missing faaso.yml is a UserError whose hint is a working example', async () => {
  const root = project({
    'functions/sum/function.yml': 'runtime: python\n',
    'functions/multiply/function.yml': 'runtime: python\n',
  });
  const err = await loadStackConfig(root).catch((e) => e);
  assert.instance(err, UserError);
  assert.match(err.message, /^no faaso\.yml in .*: faaso does not know which paths to serve$/);
  assert.match(err.hint, /routes:\n {2}\/multiply: multiply\n {2}\/sum: {6}sum\n/);
  // The example in the hint is itself valid.
  fs.writeFileSync(path.join(root, 'faaso.yml'), exampleStackFile(['multiply', 'sum']));
  assert.equal(
    (await loadStackConfig(root)).routes.map((r) => r.path),
    ['/multiply', '/sum'],
  );
});

test('YAML syntax errors and a folder named faaso.yml are reported', async () => {
  const bad = project({ 'faaso.yml': 'routes:\n  /sum: [sum\n' });
  const err = await loadStackConfig(bad, { functions: FUNCTIONS }).catch((e) => e);
  assert.instance(err, ValidationError);
  assert.match(err.message, /^faaso\.yml: line \d+, column \d+: /);
  const dir = project({ 'faaso.yml/x': '' });
  const err2 = await loadStackConfig(dir, { functions: FUNCTIONS }).catch((e) => e);
  assert.instance(err2, UserError);
  assert.match(err2.message, /faaso\.yml is a folder/);
});

test("the repository's own faaso.yml routes the three examples", async () => {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const c = await loadStackConfig(root, { functions: FUNCTIONS, hostCpus: 2 });
  assert.equal(c.routes, [
    { path: '/hello', function: 'hello' },
    { path: '/mul', function: 'multiply' },
    { path: '/sum', function: 'sum' },
  ]);
});

test("a function port cannot be 2019, the admin API's port inside the ports listener", () => {
  oneProblem(
    { routes: ROUTES, functions: { sum: { port: 2019 } } },
    'functions.sum.port',
    /port 2019 is already used by Caddy's admin API inside faaso's ports listener/,
  );
});

test('target: compose by default; swarm needs a registry every node reaches and bind 0.0.0.0', () => {
  assert.is(valid({ routes: ROUTES }).target, 'compose');
  const swarm = valid({ target: 'swarm', routes: ROUTES, bind: '0.0.0.0', registry: '10.0.0.5:5000' });
  assert.equal([swarm.target, swarm.registry, swarm.bind], ['swarm', '10.0.0.5:5000', '0.0.0.0']);
  oneProblem(
    { target: 'swarn', routes: ROUTES },
    'target',
    /must be compose or swarm \(got "swarn"\); did you mean "swarm"\?/,
  );
  oneProblem(
    { target: 'swarm', routes: ROUTES, bind: '0.0.0.0' },
    'target',
    /needs a registry every node can pull from, not 127\.0\.0\.1:5000/,
  );
  oneProblem(
    { target: 'swarm', routes: ROUTES, bind: '0.0.0.0', registry: 'localhost:5000' },
    'registry',
    /not localhost:5000/,
  );
  oneProblem(
    { target: 'swarm', routes: ROUTES, registry: '10.0.0.5:5000' },
    'target',
    /set bind: 0\.0\.0\.0 to say so \(got 127\.0\.0\.1\)/,
  );
});

test.run();
