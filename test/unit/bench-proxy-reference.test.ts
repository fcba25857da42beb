// The proxy bench's HAProxy reference: faaso's routing (longest prefix first,
// prefix stripped after routing, upstreams by Docker DNS), an access line only
// when the measured Caddy logs too, and a container hardened like faaso's proxy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { haproxyConfig, haproxyContainerArgv, REFERENCE_PORT } from '../../bench/lib/proxy-reference.ts';

const plan = {
  routes: [
    { path: '/api', function: 'hello' },
    { path: '/api/v2', function: 'multiply' },
  ],
} as Parameters<typeof haproxyConfig>[0];

test('routes: longest prefix first, stripped in the backend (http-request rules run before use_backend)', () => {
  const cfg = haproxyConfig(plan, { accessLog: true });
  const lines = cfg.split('\n').map((l) => l.trim());
  const uses = lines.filter((l) => l.startsWith('use_backend') || l.startsWith('acl'));
  assert.equal(uses, [
    'acl route0 path /api/v2',
    'acl route0 path_beg /api/v2/',
    'use_backend fn0 if route0',
    'acl route1 path /api',
    'acl route1 path_beg /api/',
    'use_backend fn1 if route1',
  ]);
  const fn0 = cfg.slice(cfg.indexOf('\nbackend fn0'), cfg.indexOf('\nbackend fn1'));
  assert.match(fn0, /http-request set-path %\[path,regsub\(\^\/api\/v2\/\?,\/\)\]/);
  assert.match(fn0, /server-template r 1-4 multiply:3000 resolvers docker/);
  assert.match(cfg, /default_backend no_route\n/);
  assert.match(cfg, /nameserver dns 127\.0\.0\.11:53/);
  assert.match(cfg, /http-request return status 200 .* if \{ path \/__faaso\/health \}/);
  // no return/set-path in the frontend besides the health answer: it would run before routing
  const frontend = cfg.slice(cfg.indexOf('frontend web'), cfg.indexOf('\nbackend fn0'));
  assert.not.match(frontend, /set-path|status 404/);
});

test('the access line follows the measured Caddy: on by default, off with --no-access-log', () => {
  assert.match(haproxyConfig(plan, { accessLog: true }), /log stdout format raw local0\n[\s\S]*option httplog/);
  assert.not.match(haproxyConfig(plan, { accessLog: false }), /log stdout|httplog/);
});

test('the container: its own port on 127.0.0.1, config read-only, hardened and limited as the proxy', () => {
  const argv = haproxyContainerArgv('/tmp/cfg', 'faasobench-proxy_faaso');
  const s = argv.join(' ');
  assert.match(s, new RegExp(`-p 127\\.0\\.0\\.1:${REFERENCE_PORT}:8080`));
  assert.match(s, /-v \/tmp\/cfg:\/etc\/faaso-bench:ro/);
  assert.match(s, /--read-only .*--cap-drop ALL .*no-new-privileges/);
  assert.match(s, /--cpus 1 --memory 256m/);
  assert.equal(argv.slice(-4), ['haproxy', '-db', '-f', '/etc/faaso-bench/haproxy.cfg']);
});

test.run();
