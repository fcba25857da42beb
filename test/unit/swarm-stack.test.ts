// The Swarm stack renderer against a checked-in golden file, plus what Swarm
// needs that compose does not. Regenerate the golden file after an intended
// change with: FAASO_UPDATE_GOLDEN=1 node --import tsx test/run.mjs unit --filter swarm-stack
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { serviceFingerprint } from '../../src/stack/render/fingerprint.ts';
import { FUNCTION_HEALTH_COMMAND } from '../../src/stack/render/shared.ts';
import { configName, renderSwarmStack } from '../../src/stack/render/swarm.ts';
import { bootstrapJson, routesJson } from '../../src/stack/render/swarm-routes.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { swarmPlan, swarmRoutes } from '../fixtures/swarm/plan.ts';

const GOLDEN = new URL('../fixtures/swarm/stack.yml', import.meta.url);

type Json = any;
const render = (plan: StackPlan): string => renderSwarmStack(plan, swarmRoutes(plan));
const stack = (): Json => parse(render(swarmPlan()));

test('matches the golden file', () => {
  const text = render(swarmPlan());
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, text);
  assert.fixture(text, fs.readFileSync(GOLDEN, 'utf8'));
});

test('deterministic whatever the order of functions, routes and env', () => {
  const shuffled = swarmPlan();
  shuffled.services.reverse();
  shuffled.routes.reverse();
  shuffled.services[0]!.env = Object.fromEntries(Object.entries(shuffled.services[0]!.env).reverse());
  assert.is(render(shuffled), render(swarmPlan()));
});

test('a function: pinned image, replicas and limits under deploy, dnsrr, start-first updates that roll back, tmpfs volume', () => {
  const plan = swarmPlan();
  const s = stack().services.sum;
  assert.equal(s, {
    image: plan.services.find((x) => x.name === 'sum')!.image,
    environment: { COUNT: '10', GREETING: 'hi there', ON: 'yes', PRICE: '$$5' },
    healthcheck: {
      test: ['CMD', 'bash', '-c', FUNCTION_HEALTH_COMMAND],
      interval: '2s',
      timeout: '2s',
      retries: 3,
      start_period: '15s',
    },
    stop_grace_period: '12s',
    init: true,
    read_only: true,
    cap_drop: ['ALL'],
    // `tmpfs:` is dropped by stack deploy without a word; a tmpfs volume is not.
    volumes: [{ type: 'tmpfs', target: '/tmp' }],
    logging: { driver: 'json-file', options: { 'max-file': '3', 'max-size': '10m' } },
    networks: ['faaso'],
    deploy: {
      replicas: 3,
      // No IPVS needed: Docker DNS answers with every task's address, Caddy balances.
      endpoint_mode: 'dnsrr',
      labels: {
        'faaso.config': serviceFingerprint(plan.services.find((x) => x.name === 'sum')!),
        'faaso.function': 'sum',
        'faaso.hash': 'ffeb9d46819f',
        'faaso.role': 'function',
      },
      resources: { limits: { memory: '128M', cpus: '0.5', pids: 64 } },
      restart_policy: { condition: 'any', delay: '1s' },
      update_config: { parallelism: 2, order: 'start-first', failure_action: 'rollback', monitor: '5s' },
      rollback_config: { parallelism: 2, order: 'start-first' },
    },
  });
  assert.is(stack().services.hello.deploy.replicas, 1);
  assert.not.ok('environment' in stack().services.hello);
});

test('what stack deploy rejects or ignores is not written: mem_limit, cpus, pids_limit, depends_on, restart, security_opt, tmpfs, scale', () => {
  for (const [name, svc] of Object.entries(stack().services as Record<string, Json>)) {
    for (const key of ['mem_limit', 'cpus', 'pids_limit', 'depends_on', 'restart', 'security_opt', 'tmpfs', 'scale'])
      assert.not.ok(key in svc, `${name}.${key}`);
  }
});

test('the proxies: global, host-mode ports on every node; the proxy boots from a fixed config and loads its routes', () => {
  const plan = swarmPlan();
  const s = stack();
  assert.is(s.services.proxy.deploy.mode, 'global');
  assert.equal(s.services.proxy.ports, [{ target: 8080, published: 8080, protocol: 'tcp', mode: 'host' }]);
  assert.equal(s.services.proxy.command, ['caddy', 'run', '--config', '/etc/faaso/caddy/bootstrap.json']);
  assert.equal(s.services.proxy.configs, [{ source: 'bootstrap', target: '/etc/faaso/caddy/bootstrap.json' }]);
  assert.equal(s.services.proxy.networks, ['faaso', 'control']);
  assert.equal(s.services.proxy.deploy.update_config.order, 'stop-first', 'a node port is one task’s at a time');
  assert.equal(
    s.services.ports.ports.map((p: Json) => [p.published, p.target, p.mode]),
    [
      [8101, 8101, 'host'],
      [8393, 8393, 'host'],
      [8623, 8623, 'host'],
    ],
  );
  assert.equal(s.configs, {
    bootstrap: { file: './caddy/bootstrap.json', name: configName('faaso', 'bootstrap', bootstrapJson()) },
    ports: { file: './caddy/ports.Caddyfile', name: configName('faaso', 'ports', renderPortsCaddyfile(plan)) },
    routes: { file: './caddy/routes.json', name: configName('faaso', 'routes', swarmRoutes(plan)) },
  });
  assert.equal(s.networks, { faaso: { driver: 'overlay' }, control: { driver: 'overlay' } });
});

test('proxy-routes: one task serving routes.json on the control network only, no port, replaced stop-first', () => {
  const r = stack().services['proxy-routes'];
  assert.equal(r.command, ['caddy', 'file-server', '--root', '/srv', '--listen', ':8081']);
  assert.equal(r.configs, [{ source: 'routes', target: '/srv/routes.json' }]);
  assert.equal(r.networks, ['control'], 'no function can reach it');
  assert.not.ok('ports' in r);
  assert.equal([r.deploy.mode, r.deploy.replicas, r.deploy.update_config.order], [undefined, 1, 'stop-first']);
  assert.equal([r.read_only, r.cap_drop], [true, ['ALL']]);
});

test('a route change renames only the routes config: no proxy spec changes, so no proxy restarts', () => {
  const a = stack();
  const b = parse(render(swarmPlan({ routes: { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' } })));
  assert.is.not(b.configs.routes.name, a.configs.routes.name);
  assert.is(b.configs.ports.name, a.configs.ports.name);
  assert.is(b.configs.bootstrap.name, a.configs.bootstrap.name);
  assert.equal(b.services.proxy, a.services.proxy);
  assert.equal(b.services.sum, a.services.sum);
});

test('routes.json keeps loading (a loaded config must say so itself), and the bootstrap loads it', () => {
  const routes = JSON.parse(routesJson('{"admin":{"listen":"localhost:2019"},"apps":{"http":{}}}'));
  const load = { module: 'http', url: 'http://proxy-routes:8081/routes.json', timeout: '2s' };
  assert.equal(routes.admin, { listen: 'localhost:2019', config: { load, load_delay: '1s' } });
  assert.equal(routes.apps, { http: {} });
  assert.is(routes.logging.logs.default.level, 'WARN', 'the loader logs each poll at INFO');
  const withAccess = JSON.parse(
    routesJson(
      '{"logging":{"logs":{"default":{"exclude":["http.log.access.log0"]},"log0":{"include":["http.log.access.log0"]}}}}',
    ),
  );
  assert.equal(withAccess.logging.logs.default, { exclude: ['http.log.access.log0'], level: 'WARN' });
  assert.equal(withAccess.logging.logs.log0, { include: ['http.log.access.log0'] }, 'access logs untouched');
  const boot = JSON.parse(bootstrapJson());
  assert.equal(boot.admin, { listen: 'localhost:2019', config: { load, load_delay: '1s' } });
  assert.not.ok('apps' in boot, 'no server until the routes are loaded');
});

test('config names are the stack, the role and 12 hex digits', () => {
  assert.match(configName('faaso', 'routes', 'x'), /^faaso_routes_[0-9a-f]{12}$/);
  assert.is.not(configName('faaso', 'routes', 'x'), configName('faaso', 'routes', 'y'));
});

test.run();
