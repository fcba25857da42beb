// The Swarm stack renderer against a checked-in golden file, plus what Swarm
// needs that compose does not. Regenerate the golden file after an intended
// change with: FAASO_UPDATE_GOLDEN=1 node --import tsx test/run.mjs unit --filter swarm-stack
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { renderCaddyfile, renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { serviceFingerprint } from '../../src/stack/render/fingerprint.ts';
import { FUNCTION_HEALTH_COMMAND } from '../../src/stack/render/shared.ts';
import { configName, renderSwarmStack } from '../../src/stack/render/swarm.ts';
import { swarmPlan } from '../fixtures/swarm/plan.ts';

const GOLDEN = new URL('../fixtures/swarm/stack.yml', import.meta.url);

type Json = any;
const stack = (): Json => parse(renderSwarmStack(swarmPlan()));

test('matches the golden file', () => {
  const text = renderSwarmStack(swarmPlan());
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, text);
  assert.fixture(text, fs.readFileSync(GOLDEN, 'utf8'));
});

test('deterministic whatever the order of functions, routes and env', () => {
  const shuffled = swarmPlan();
  shuffled.services.reverse();
  shuffled.routes.reverse();
  shuffled.services[0]!.env = Object.fromEntries(Object.entries(shuffled.services[0]!.env).reverse());
  assert.is(renderSwarmStack(shuffled), renderSwarmStack(swarmPlan()));
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

test('the proxies: global, host-mode ports on every node, their Caddyfile as a config named by its content', () => {
  const plan = swarmPlan();
  const s = stack();
  assert.is(s.services.proxy.deploy.mode, 'global');
  assert.equal(s.services.proxy.ports, [{ target: 8080, published: 8080, protocol: 'tcp', mode: 'host' }]);
  assert.equal(s.services.proxy.configs, [{ source: 'routes', target: '/etc/faaso/caddy/Caddyfile' }]);
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
    routes: { file: './caddy/Caddyfile', name: configName('faaso', 'routes', renderCaddyfile(plan)) },
    ports: { file: './caddy/ports.Caddyfile', name: configName('faaso', 'ports', renderPortsCaddyfile(plan)) },
  });
  assert.equal(s.networks, { faaso: { driver: 'overlay' } });
});

test('a route change renames the routes config (configs are immutable), and only it', () => {
  const a = stack();
  const b = parse(renderSwarmStack(swarmPlan({ routes: { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' } })));
  assert.is.not(b.configs.routes.name, a.configs.routes.name);
  assert.is(b.configs.ports.name, a.configs.ports.name);
  assert.equal(b.services.sum, a.services.sum);
});

test('config names are the stack, the role and 12 hex digits', () => {
  assert.match(configName('faaso', 'routes', 'x'), /^faaso_routes_[0-9a-f]{12}$/);
  assert.is.not(configName('faaso', 'routes', 'x'), configName('faaso', 'routes', 'y'));
});

test.run();
