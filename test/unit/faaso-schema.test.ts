// Keeps schemas/faaso.schema.json (for editors) in step with the faaso.yml
// validator (for faaso) wherever that is cheap to check.
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem, type Problem } from '../../src/errors.ts';
import { DNS_LABEL } from '../../src/rules/values.ts';
import * as rules from '../../src/stack/config/rules.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import { DEFAULT_PORT_BASE, DEFAULT_PORT_SPAN, PORT_MAX, PORT_MIN } from '../../src/stack/config/ports.ts';
import { Problems } from '../../src/util/fields.ts';
import { readRegistry } from '../../src/stack/config/fields.ts';
import { SCHEDULE_KEYS, SCHEDULE_MAX } from '../../src/stack/config/schedule.ts';
import * as tlsRules from '../../src/stack/config/tls-rules.ts';

type Json = any;
const read = (rel: string): Json => JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8'));
const schema: Json = read('../../schemas/faaso.schema.json');
const fnSchema: Json = read('../../schemas/function.schema.json');
const defs = schema.$defs;
const deploy = defs.deploy.properties;
const tls = schema.properties.proxy.properties.tls;
const sorted = (xs: readonly string[]): string[] => [...xs].sort();
/** JSON Schema 2020-12 patterns are ECMA-262 regexes with unicode semantics. */
const re = (pattern: string): RegExp => new RegExp(pattern, 'u');

test('the schema is draft 2020-12, closed at every level, routes required', () => {
  assert.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  for (const s of [schema, schema.properties.proxy, defs.deploy, deploy.update, defs.scheduleEntry, tls])
    assert.is(s.additionalProperties, false);
  assert.equal(schema.required, ['routes']);
  assert.is(schema.properties.routes.minProperties, 1);
  assert.match(schema.description, /# yaml-language-server: \$schema=\.\/schemas\/faaso\.schema\.json/);
});

test('same field names as the validator, at every level', () => {
  assert.equal(sorted(Object.keys(schema.properties)), sorted(rules.STACK_KEYS));
  assert.equal(sorted(Object.keys(schema.properties.proxy.properties)), sorted(rules.PROXY_KEYS));
  assert.equal(sorted(Object.keys(deploy)), sorted(rules.DEPLOY_KEYS));
  assert.equal(sorted(Object.keys(deploy.update.properties)), sorted(rules.UPDATE_KEYS));
  assert.equal(sorted(Object.keys(tls.properties)), sorted(tlsRules.TLS_KEYS));
  assert.equal(tls.required, ['domain']);
});

test('proxy.tls: same patterns, port range and defaults as the validator', () => {
  assert.is(defs.hostname.pattern, tlsRules.HOSTNAME.source);
  assert.is(defs.tlsFile.pattern, tlsRules.TLS_FILE_PATH.source);
  assert.equal([defs.tlsPort.minimum, defs.tlsPort.maximum], [tlsRules.TLS_PORT_MIN, PORT_MAX]);
  assert.equal(
    [tls.properties.http_port.default, tls.properties.https_port.default],
    [tlsRules.DEFAULT_HTTP_PORT, tlsRules.DEFAULT_HTTPS_PORT],
  );
  assert.is(tls.properties.hsts.default, true);
  assert.is(tls.properties.hosts.additionalProperties.items.$ref, '#/$defs/routePath');
  const host = re(defs.hostname.pattern);
  for (const v of [
    'fn.example.com',
    'a',
    'x-1.lan',
    'Fn.example.com',
    '-a.com',
    'a..b',
    'a_b.com',
    `${'a'.repeat(64)}.com`,
    'fn.example.com.',
  ])
    assert.is(host.test(v), tlsRules.HOSTNAME.test(v), v);
  const file = re(defs.tlsFile.pattern);
  for (const v of ['certs/fn.pem', '/etc/ssl/fn key.pem', 'c:/x', 'a$b', 'a\nb', ''])
    assert.is(file.test(v), tlsRules.TLS_FILE_PATH.test(v), v);
});

test('same patterns and limits as the validator', () => {
  assert.is(defs.routePath.pattern, rules.ROUTE_PATH.source);
  assert.equal(defs.routePath.not, { pattern: rules.RESERVED_PATH_PATTERN });
  assert.is(defs.functionName.pattern, DNS_LABEL.source);
  assert.equal(defs.functionName.not, { enum: [...rules.RESERVED_SERVICE_NAMES] });
  assert.is(schema.properties.bind.pattern, rules.IPV4.source);
  assert.is(deploy.memory.pattern, rules.MEMORY.source);
  assert.equal([defs.port.minimum, defs.port.maximum], [PORT_MIN, PORT_MAX]);
  assert.equal([deploy.cpus.minimum, deploy.cpus.maximum], [rules.CPUS_MIN, rules.CPUS_MAX]);
  assert.equal([deploy.pids.minimum, deploy.pids.maximum], [rules.PIDS_MIN, rules.PIDS_MAX]);
  assert.equal(
    [deploy.replicas.minimum, deploy.replicas.maximum, deploy.replicas.default],
    [rules.REPLICAS_MIN, rules.REPLICAS_MAX, 1],
  );
  const parallelism = deploy.update.properties.parallelism;
  assert.equal(
    [parallelism.minimum, parallelism.maximum, parallelism.default],
    [rules.REPLICAS_MIN, rules.REPLICAS_MAX, rules.DEFAULT_PARALLELISM],
  );
  // The proxy's limits are read by the same readers as a function's.
  const proxy = schema.properties.proxy.properties;
  for (const k of ['memory', 'cpus', 'pids'])
    assert.equal({ ...proxy[k], description: '' }, { ...deploy[k], description: '' }, k);
  for (const p of JSON.stringify(schema).match(/"pattern":"(?:[^"\\]|\\.)*"/g)!) re(JSON.parse(`{${p}}`).pattern);
});

test('same defaults, and the descriptions state what patterns cannot', () => {
  assert.is(schema.properties.bind.default, rules.DEFAULT_BIND);
  assert.is(schema.properties.proxy.properties.port.default, rules.DEFAULT_PROXY_PORT);
  assert.equal(
    [deploy.memory.default, deploy.cpus.default, deploy.pids.default],
    [rules.DEFAULT_LIMITS.memory, rules.DEFAULT_LIMITS.cpus, rules.DEFAULT_LIMITS.pids],
  );
  assert.match(deploy.memory.description, new RegExp(`at least ${rules.MEMORY_MIN_MB}m`));
  assert.match(
    deploy.port.description,
    new RegExp(`${DEFAULT_PORT_BASE}-${DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN - 1}`),
  );
  assert.match(
    schema.properties.bind.description,
    /0\.0\.0\.0 publishes every function and the proxy on every network interface/,
  );
});

test('a schedule entry is cron plus a request written exactly like a function test’s', () => {
  const entry = defs.scheduleEntry;
  assert.is(entry.additionalProperties, false);
  assert.equal(sorted(Object.keys(entry.properties)), sorted(SCHEDULE_KEYS));
  const { cron: _cron, ...request } = entry.properties;
  assert.equal(request, fnSchema.$defs.request.properties);
  assert.equal(defs.headers, fnSchema.$defs.headers);
  assert.is(deploy.schedule.maxItems, SCHEDULE_MAX);
});

test('env names and values follow function.yml exactly', () => {
  assert.equal(defs.envName, fnSchema.$defs.envName);
  assert.equal(defs.envValue, fnSchema.$defs.envValue);
});

test('the route path pattern agrees with the validator', () => {
  const ok = re(defs.routePath.pattern);
  const reserved = re(defs.routePath.not.pattern);
  const samples = [
    '/sum',
    '/api/v2',
    '/a.b',
    '/...',
    '/.x',
    '/x.',
    '/~u',
    '/a-b_c',
    '/Sum',
    '/_faaso',
    '/faaso',
    '/__faas',
    '',
    'sum',
    '/',
    '//',
    '/a//b',
    '/sum/',
    '/a/../b',
    '/..',
    '/.',
    '/a/./b',
    '/a b',
    '/a%20',
    '/a?b',
    '/a#b',
    '/ü',
    '/a\nb',
    '/__faaso',
    '/__faaso/health',
    '/__FAASO',
    '/__FaAsO/x',
    '/__faasox',
  ];
  for (const path of samples) {
    assert.is(ok.test(path) && !reserved.test(path), rules.routePathProblem(path) === undefined, JSON.stringify(path));
  }
});

test('the bind and memory patterns agree with the validator', () => {
  const ipv4 = re(schema.properties.bind.pattern);
  for (const v of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '01.2.3.4', 'localhost', '::1']) {
    assert.is(ipv4.test(v), rules.IPV4.test(v), v);
  }
  const memory = re(deploy.memory.pattern);
  for (const v of ['256m', '1g', '16384k', '256M', '1gb', '256', 'm', ' 1g'])
    assert.is(memory.test(v), rules.MEMORY.test(v), v);
});

test('the registry pattern agrees with readRegistry (FAASO_REGISTRY rules)', () => {
  const registry = re(schema.properties.registry.pattern);
  // Out-of-range ports are beyond a pattern; only syntax is compared.
  for (const v of [
    '127.0.0.1:5000',
    'localhost:5000',
    'Registry.Example.com:443',
    '[::1]:5000',
    '127.0.0.1',
    'http://x:5000',
    'a b:1',
    '-x:1',
    'x-:1',
    ':5000',
  ]) {
    const p = new Problems('faaso.yml');
    readRegistry(v, 'registry', p);
    assert.is(registry.test(v), p.list.length === 0, v);
  }
});

test('the schema examples are valid faaso.yml files', () => {
  for (const example of schema.examples) {
    const r = validateStackConfig(example, {
      file: 'faaso.yml',
      functions: ['hello', 'multiply', 'sum'],
      registry: '127.0.0.1:5000',
      hostCpus: 2,
    });
    assert.equal(
      r.problems.map((p: Problem) => formatProblem(p)),
      [],
    );
  }
  const r = validateStackConfig(
    { routes: schema.properties.routes.examples[0], functions: schema.properties.functions.examples[0] },
    {
      file: 'faaso.yml',
      functions: ['hello', 'multiply', 'sum'],
      registry: '127.0.0.1:5000',
    },
  );
  assert.equal(r.problems, []);
});

test.run();
