// The Caddyfile renderer: golden output for a 3-route plan with nested paths,
// ordering, upstream overrides, and every value that could inject Caddyfile syntax.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import type { Route, ServicePlan, StackPlan } from '../../src/stack/types.ts';

const test = suite('caddyfile');
const GOLDEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'caddy', 'Caddyfile');

const service = (name: string): ServicePlan => ({
  name,
  image: `127.0.0.1:5000/${name}:0123456789ab`,
  hash: '0123456789ab',
  port: 8101,
  env: {},
  limits: { memory: '256m', cpus: 1, pids: 256 },
  healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
  paths: [],
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

test('one upstream per function by default, no passive checks with nowhere to fail over', () => {
  const text = renderCaddyfile(fixturePlan());
  assert.match(text, /reverse_proxy sum:3000 \{/);
  assert.match(text, /health_uri \/ping/);
  assert.not.match(text, /fail_duration/);
  assert.not.match(text, /unhealthy_status/);
});

test('every route keeps 32 idle upstream connections (2.6.2 otherwise keeps 2 and redials under load)', () => {
  const text = renderCaddyfile(fixturePlan());
  assert.is(text.match(/\n\t\t\t\tkeepalive 90s\n\t\t\t\tkeepalive_idle_conns_per_host 32\n/g)?.length, 3);
});

test('upstream override: listed in order, passive checks on, other functions untouched', () => {
  const text = renderCaddyfile(fixturePlan(), { upstreams: { sum: ['faaso-standby-sum:3000', 'sum:3000'] } });
  assert.match(text, /reverse_proxy faaso-standby-sum:3000 sum:3000 \{\n\t\t\tlb_policy first\n/);
  assert.is(text.match(/fail_duration 2s/g)?.length, 1);
  assert.match(text, /reverse_proxy multiply:3000 \{/);
  // compose v1 container names use underscores
  assert.match(
    renderCaddyfile(fixturePlan(), { upstreams: { sum: ['faaso_sum_1:3000'] } }),
    /reverse_proxy faaso_sum_1:3000 \{/,
  );
});

test('health endpoint, JSON 404 with a guarded path echo, JSON logs, admin on loopback', () => {
  const text = renderCaddyfile(fixturePlan());
  assert.match(text, /\n\tadmin localhost:2019\n/);
  assert.match(text, /\n\tauto_https off\n/);
  assert.match(text, /handle \/__faaso\/health \{\n\t\tskip_log\n\t\trespond "ok" 200\n/);
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
    for (const text of [
      renderCaddyfile(plan),
      renderCaddyfile(plan, { upstreams: { hello: ['hello:3000', 'hello-next:3000'] } }),
    ]) {
      const blocks = text.split('\n').filter((l) => /^(?![\t#]).*\{$/.test(l));
      assert.equal(blocks, ['{', ':8080 {']);
    }
  }
});

test('a root route serves everything without stripping', () => {
  const text = renderCaddyfile(
    fixturePlan([
      { path: '/', function: 'hello' },
      { path: '/sum', function: 'sum' },
    ]),
  );
  assert.match(text, /@route2 path \/\*\n\thandle @route2 \{\n\t\treverse_proxy hello:3000/);
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
    assert.throws(
      () => renderCaddyfile(fixturePlan(), { upstreams: { [n]: ['sum:3000'] } }),
      /caddyfile: function name/,
    );
  });
}

const badUpstreams = [
  'sum',
  'sum:',
  'sum:0',
  'sum:70000',
  'sum:3000 {',
  'sum:3000\n}',
  '{http.request.host}:3000',
  'a b:3000',
  'http://sum:3000',
  ':3000',
  'sum:3000/x',
  'sum :3000',
];
for (const u of badUpstreams) {
  test(`upstream ${JSON.stringify(u)} is refused`, () => {
    assert.throws(() => renderCaddyfile(fixturePlan(), { upstreams: { sum: [u] } }), /caddyfile: upstream/);
  });
}

test('an empty or repeated upstream list is refused', () => {
  assert.throws(() => renderCaddyfile(fixturePlan(), { upstreams: { sum: [] } }), /empty/);
  assert.throws(() => renderCaddyfile(fixturePlan(), { upstreams: { sum: ['sum:3000', 'sum:3000'] } }), /repeat/);
});

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
