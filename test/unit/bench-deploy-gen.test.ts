// The deploy bench's generators: N-function projects inside the bench's own
// port range, N-route plans for the Caddyfile renderer, and the synthetic
// faaso.yml the pure-core timing feeds through the real validator and renderers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseYaml } from '../../src/util/yaml.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import {
  DEPLOY_PORTS,
  functionNames,
  layoutPorts,
  manyRoutes,
  stackYaml,
  syntheticStackYaml,
  withRoutes,
} from '../../bench/lib/deploy-gen.ts';
import { planAndRender, timeCore } from '../../bench/lib/deploy-core.ts';
import type { StackPlan } from '../../src/stack/types.ts';

test('function names are distinct DNS labels, zero-padded so name order is numeric order', () => {
  const names = functionNames(30);
  assert.is(names.length, 30);
  assert.is(names[0], 'faaso-deploy-01');
  assert.is(names[29], 'faaso-deploy-30');
  assert.equal([...names].sort(), names);
  assert.is(new Set(names).size, 30);
  assert.is(functionNames(100)[0], 'faaso-deploy-001');
  for (const n of names) assert.match(n, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
});

test('ports: proxy first, functions after it, all inside the bench range; too many is an error', () => {
  const names = functionNames(30);
  const ports = layoutPorts(names);
  assert.is(ports.proxy, DEPLOY_PORTS.first);
  const all = [ports.proxy, ...ports.functions.values()];
  assert.is(new Set(all).size, 31);
  assert.ok(all.every((p) => p >= DEPLOY_PORTS.first && p <= DEPLOY_PORTS.last));
  assert.throws(() => layoutPorts(functionNames(250)), /do not fit/);
});

test('the generated faaso.yml is valid for faaso and routes /<name> to each function on its port', () => {
  const names = functionNames(10);
  const ports = layoutPorts(names);
  const result = validateStackConfig(parseYaml(stackYaml(names, ports), 'faaso.yml'), {
    file: 'faaso.yml',
    functions: names,
    registry: '127.0.0.1:5000',
  });
  assert.equal(result.problems, []);
  assert.is(result.config!.proxy.port, ports.proxy);
  assert.equal(
    result.config!.routes.map((r) => r.path),
    names.map((n) => `/${n}`),
  );
  assert.equal(
    result.config!.functions.map((f) => f.port),
    names.map((n) => ports.functions.get(n)),
  );
});

test('many routes are spread round-robin and withRoutes keeps only the services they use', () => {
  const routes = manyRoutes(500, ['a', 'b', 'c']);
  assert.is(routes.length, 500);
  assert.equal(routes[0], { path: '/r0001', function: 'a' });
  assert.equal(routes[499], { path: '/r0500', function: 'b' });
  const svc = (name: string) => ({
    name,
    image: `r/${name}:x`,
    hash: 'x',
    port: 1,
    env: {},
    limits: { memory: '256m', cpus: 1, pids: 256 },
    healthcheck: ['hc'],
    paths: [`/${name}`],
    replicas: 1,
    parallelism: 1,
  });
  const plan: StackPlan = {
    target: 'compose',
    project: 'p',
    bind: '127.0.0.1',
    proxy: { port: 1, image: 'px' },
    services: [svc('a'), svc('b'), svc('c')],
    routes: [],
  };
  const one = withRoutes(plan, manyRoutes(1, ['a', 'b', 'c']));
  assert.equal(
    one.services.map((s) => s.name),
    ['a'],
  );
  assert.equal(one.services[0]!.paths, ['/r0001']);
  const text = renderCaddyfile(withRoutes(plan, routes));
  assert.is(text.match(/reverse_proxy /g)!.length, 500);
  assert.throws(() => manyRoutes(3, []), /no function/);
});

test('the synthetic 1,000-function config passes the real validator and renders every function', () => {
  const { yaml, functions } = syntheticStackYaml(1000);
  assert.is(functions.length, 1000);
  const { compose, caddyfile } = planAndRender(yaml, functions);
  assert.is(compose.match(/faaso\.role: "function"/g)?.length, 1000);
  assert.is(caddyfile.match(/reverse_proxy /g)?.length, 1000);
});

test('timeCore reports a per-function cost consistent with its median (no timing asserted)', () => {
  const t = timeCore(10, 3);
  assert.is(t.functions, 10);
  assert.is(t.runs, 3);
  assert.ok(Math.abs(t.perFunctionMs * 10 - t.medianMs) < 1e-9);
  assert.ok(t.composeBytes > 0 && t.caddyfileBytes > 0);
});

test.run();
