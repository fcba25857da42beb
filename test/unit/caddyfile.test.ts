// The Caddyfile renderers: golden output for a 3-route plan with nested paths
// and for its functions' own ports, ordering, the replica upstreams, and every
// value that could inject Caddyfile syntax.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DNS_REFRESH_MS,
  renderCaddyfile,
  renderPortsCaddyfile,
  routesVersion,
} from '../../src/stack/render/caddyfile.ts';
import type { Route, ServicePlan, StackPlan } from '../../src/stack/types.ts';

const test = suite('caddyfile');
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'caddy');
const GOLDEN = path.join(FIXTURES, 'Caddyfile');
const GOLDEN_PORTS = path.join(FIXTURES, 'ports.Caddyfile');

const PORTS: Record<string, number> = { hello: 8623, multiply: 8393, sum: 8101 };
const service = (name: string): ServicePlan => ({
  name,
  image: `127.0.0.1:5000/${name}:0123456789ab`,
  hash: '0123456789ab',
  port: PORTS[name] ?? 9000,
  env: {},
  limits: { memory: '256m', cpus: 1, pids: 256 },
  healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
  paths: [],
  replicas: 2,
  parallelism: 1,
});

function fixturePlan(
  routes: Route[] = [
    { path: '/api', function: 'hello' },
    { path: '/api/v2', function: 'multiply' },
    { path: '/sum', function: 'sum' },
  ],
): StackPlan {
  const names = [...new Set(routes.map((r) => r.function))].sort();
  return {
    target: 'compose',
    project: 'faaso',
    bind: '127.0.0.1',
    proxy: { port: 8080, image: 'faaso/caddy:0123456789ab' },
    services: names.map(service),
    routes,
  };
}

test('a 3-route plan with nested paths renders the golden Caddyfile', () => {
  const text = renderCaddyfile(fixturePlan());
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, text);
  assert.fixture(text, fs.readFileSync(GOLDEN, 'utf8'));
});

test("the functions' own ports render the golden ports.Caddyfile: one site per port, by port", () => {
  const text = renderPortsCaddyfile(fixturePlan());
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN_PORTS, text);
  assert.fixture(text, fs.readFileSync(GOLDEN_PORTS, 'utf8'));
  const sites = text.split('\n').filter((l) => /^:\d+ \{$/.test(l));
  assert.equal(sites, [':8101 {', ':8393 {', ':8623 {']);
  assert.not.match(text, /strip_prefix/);
  assert.match(text, /# sum\n:8101 \{\n\tlog \{/);
  const quiet = renderPortsCaddyfile({ ...fixturePlan(), proxy: { ...fixturePlan().proxy, accessLog: false } });
  assert.not.match(quiet.split('\n}\n').slice(1).join(''), /output stdout/);
  assert.throws(
    () => renderPortsCaddyfile({ ...fixturePlan(), services: [{ ...service('sum'), port: 0 }] }),
    /caddyfile: port/,
  );
});

test('same plan in another order: same bytes', () => {
  const a = renderCaddyfile(fixturePlan());
  const b = renderCaddyfile(
    fixturePlan([
      { path: '/sum', function: 'sum' },
      { path: '/api/v2', function: 'multiply' },
      { path: '/api', function: 'hello' },
    ]),
  );
  assert.is(a, b);
});

test('longest prefix first: /api/v2 is matched before /api', () => {
  const text = renderCaddyfile(fixturePlan());
  const v2 = text.indexOf('path /api/v2 /api/v2/*');
  const api = text.indexOf('path /api /api/*');
  assert.ok(v2 > 0 && api > v2, text);
  // /sum matches /sum and /sum/..., never /summary
  assert.match(text, /@route\d+ path \/sum \/sum\/\*\n/);
  assert.match(text, /uri strip_prefix \/sum\n/);
});

test("a function's replicas come from Docker's DNS (no reload to scale or update), with passive health and retries", () => {
  for (const text of [renderCaddyfile(fixturePlan()), renderPortsCaddyfile(fixturePlan())]) {
    assert.is(text.match(/reverse_proxy \{\n\t*dynamic a sum 3000 \{\n\t*refresh 250ms\n/g)?.length, 1);
    assert.is(text.match(/dynamic a [a-z]+ 3000 \{/g)?.length, 3);
    assert.is(DNS_REFRESH_MS, 250);
    for (const line of [
      'lb_policy least_conn',
      'lb_try_duration 10s',
      'lb_try_interval 25ms',
      'fail_duration 1s',
      'max_fails 1',
      'dial_timeout 100ms',
    ]) {
      assert.is(text.split('\n').filter((l) => l.trim() === line).length, 3, line);
    }
    // Active checks do not run for dynamic upstreams, and status codes never count as failures.
    assert.not.match(text, /health_uri|unhealthy_status/);
    assert.is(text.match(/\n\t*keepalive 90s\n\t*keepalive_idle_conns_per_host 32\n/g)?.length, 3);
  }
});

test('health endpoint, JSON 404 with a guarded path echo, JSON logs, admin on loopback', () => {
  const text = renderCaddyfile(fixturePlan());
  assert.match(text, /\n\tadmin localhost:2019\n/);
  assert.match(text, /\n\tauto_https off\n/);
  assert.match(
    text,
    /handle \/__faaso\/health \{\n\t\tskip_log\n\t\theader X-Faaso-Routes [0-9a-f]{12}\n\t\trespond "ok" 200\n/,
  );
  assert.is(routesVersion(text), /X-Faaso-Routes ([0-9a-f]{12})/.exec(text)![1]);
  assert.match(text, /@plainpath expression `\{path\}\.matches\("\^\[A-Za-z0-9\._~\/-\]\*\$"\)`/);
  assert.match(text, /respond `\\\{"error":"no route"\\\}` 404/);
  assert.is(text.match(/format json/g)?.length, 2);
});

test('one site block, one server, whatever the routes and upstreams', () => {
  const plans = [
    fixturePlan(),
    fixturePlan([{ path: '/', function: 'hello' }]),
    { ...fixturePlan(), proxy: { ...fixturePlan().proxy, accessLog: false } },
  ];
  for (const plan of plans) {
    const blocks = renderCaddyfile(plan)
      .split('\n')
      .filter((l) => /^(?![\t#]).*\{$/.test(l));
    assert.equal(blocks, ['{', ':8080 {']);
  }
});

test('a root route serves everything without stripping', () => {
  const text = renderCaddyfile(
    fixturePlan([
      { path: '/', function: 'hello' },
      { path: '/sum', function: 'sum' },
    ]),
  );
  assert.match(text, /@route2 path \/\*\n\thandle @route2 \{\n\t\treverse_proxy \{\n\t\t\tdynamic a hello 3000/);
  assert.ok(text.indexOf('path /sum') < text.indexOf('path /*'));
});

test('tabs only, one trailing newline, no trailing spaces', () => {
  const text = renderCaddyfile(fixturePlan());
  assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'));
  assert.not.match(text, /[ \t]+\n/);
  assert.not.match(text, /^ +/m);
});

const badPaths = [
  'sum',
  '/sum ',
  '/sum {',
  '/a"b',
  '/a`b',
  '/a\nb',
  '/a\rb',
  '/a#b',
  '/a*',
  '/a}',
  '/a{path}',
  '/sum/',
  '//sum',
  '/a//b',
  '/a/./b',
  '/a/../b',
  '/a/..',
  '/__faaso',
  '/__FAASO/health',
  '/__faaso/x',
  '',
  '/a%20b',
  '/a\tb',
  '/é',
];
for (const p of badPaths) {
  test(`route path ${JSON.stringify(p)} is refused`, () => {
    assert.throws(() => renderCaddyfile(fixturePlan([{ path: p, function: 'sum' }])), /caddyfile: route path/);
  });
}

const badNames = ['Sum', 'a b', 'sum}', 'sum{', '-sum', 'sum-', 'a_b', 'a.b', '', 'x'.repeat(64), 'sum\n'];
for (const n of badNames) {
  test(`function name ${JSON.stringify(n)} is refused`, () => {
    const plan = fixturePlan([{ path: '/x', function: n }]);
    assert.throws(() => renderCaddyfile(plan), /caddyfile: function name/);
    assert.throws(() => renderPortsCaddyfile({ ...fixturePlan(), services: [service(n)] }), /caddyfile: function name/);
  });
}

test('a route to a function without a service is a bug, not output', () => {
  const plan = fixturePlan();
  plan.services = plan.services.filter((s) => s.name !== 'sum');
  assert.throws(() => renderCaddyfile(plan), /no service/);
});

test('paths that differ only in case are duplicates (Caddy matches case-insensitively)', () => {
  assert.throws(
    () =>
      renderCaddyfile(
        fixturePlan([
          { path: '/sum', function: 'sum' },
          { path: '/SUM', function: 'sum' },
        ]),
      ),
    /duplicates/,
  );
  assert.throws(
    () =>
      renderCaddyfile(
        fixturePlan([
          { path: '/sum', function: 'sum' },
          { path: '/sum', function: 'hello' },
        ]),
      ),
    /duplicates/,
  );
});

test.run();
