import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffStack } from '../../src/stack/diff.ts';
import { proxyFingerprint, serviceFingerprint } from '../../src/stack/render/compose.ts';
import type { ObservedContainer } from '../../src/stack/observe.ts';
import { formatDuration, functionRows, renderTable } from '../../src/stack/table.ts';
import type { ServicePlan, StackPlan } from '../../src/stack/types.ts';

const svc = (name: string, hash = 'aaaaaaaaaaaa'): ServicePlan => ({
  name,
  image: `127.0.0.1:5000/${name}:${hash}`,
  hash,
  port: 8100,
  env: {},
  limits: { memory: '256m', cpus: 1, pids: 256 },
  healthcheck: ['/app/function', '--healthcheck'],
  paths: [`/${name}`],
});
const plan = (services: ServicePlan[]): StackPlan => ({
  project: 'faaso',
  bind: '127.0.0.1',
  proxy: { port: 8080, image: 'faaso/caddy:1' },
  services,
  routes: services.map((s) => ({ path: `/${s.name}`, function: s.name })),
});
const running = (s: ServicePlan, over: Partial<ObservedContainer> = {}): ObservedContainer => ({
  id: s.name,
  name: `faaso-${s.name}-1`,
  service: s.name,
  role: 'function',
  fn: s.name,
  hash: s.hash,
  config: serviceFingerprint('127.0.0.1', s),
  image: s.image,
  status: 'running',
  health: 'healthy',
  restarts: 0,
  startedAt: Date.parse('2026-11-25T20:00:00Z'),
  createdAt: 0,
  failingStreak: 0,
  exitCode: 0,
  oomKilled: false,
  published: ['127.0.0.1:8100'],
  pingUrl: null,
  pingFailed: false,
  ...over,
});
const proxy: ObservedContainer = {
  ...running(svc('proxy')),
  role: 'proxy',
  service: 'proxy',
  fn: '',
  image: 'faaso/caddy:1',
  published: ['127.0.0.1:8080'],
  config: proxyFingerprint(plan([])),
};

test('no proxy running: a fresh start', () => {
  assert.ok(diffStack(plan([svc('sum')]), []).fresh);
});

test('only the difference: added, changed (new image or env), unchanged, removed', () => {
  const sum = svc('sum');
  const mul = svc('mul');
  const hello = svc('hello');
  const next = plan([
    { ...sum, hash: 'bbbbbbbbbbbb', image: '127.0.0.1:5000/sum:bbbbbbbbbbbb' },
    { ...mul, env: { A: '1' } },
    svc('new'),
  ]);
  const d = diffStack(next, [proxy, running(sum), running(mul), running(hello)]);
  assert.not.ok(d.fresh);
  assert.equal(
    d.added.map((s) => s.name),
    ['new'],
  );
  assert.equal(
    d.changed.map((s) => s.name),
    ['sum', 'mul'],
  );
  assert.equal(
    d.removed.map((c) => c.fn),
    ['hello'],
  );
  assert.not.ok(d.proxyChanged);
  const same = diffStack(plan([sum]), [proxy, running(sum)]);
  assert.equal([same.added.length, same.changed.length, same.unchanged.length], [0, 0, 1]);
});

test('an exited function is started again; a new proxy port recreates the proxy', () => {
  const sum = svc('sum');
  const d = diffStack({ ...plan([sum]), proxy: { port: 9090, image: 'faaso/caddy:1' } }, [
    proxy,
    running(sum, { status: 'exited' }),
  ]);
  assert.equal(
    d.added.map((s) => s.name),
    ['sum'],
  );
  assert.ok(d.proxyChanged);
});

test('proxy limits in faaso.yml: a change recreates the proxy; an unlabelled (older) proxy only when limits are set', () => {
  const sum = svc('sum');
  const base = plan([sum]);
  const labelled = { ...proxy, config: proxyFingerprint(base) };
  assert.not.ok(diffStack(base, [labelled, running(sum)]).proxyChanged);
  const more = { ...base, proxy: { ...base.proxy, limits: { memory: '256m', cpus: 2, pids: 256 } } };
  assert.ok(diffStack(more, [labelled, running(sum)]).proxyChanged);
  assert.not.ok(diffStack(more, [{ ...proxy, config: proxyFingerprint(more) }, running(sum)]).proxyChanged);
  assert.not.ok(diffStack(base, [{ ...proxy, config: '' }, running(sum)]).proxyChanged);
  assert.ok(diffStack(more, [{ ...proxy, config: '' }, running(sum)]).proxyChanged);
});

test('rows and table: URLs through the proxy and direct, stable columns', () => {
  const rows = functionRows(plan([svc('sum')]), [running(svc('sum'))], Date.parse('2026-11-25T20:01:05Z'));
  assert.equal(rows[0], {
    function: 'sum',
    routes: ['/sum'],
    url: 'http://127.0.0.1:8080/sum',
    direct: 'http://127.0.0.1:8100',
    image: '127.0.0.1:5000/sum:aaaaaaaaaaaa',
    state: 'running',
    health: 'healthy',
    restarts: 0,
    uptime: '1m5s',
  });
  assert.is(
    renderTable(
      ['A', 'BB'],
      [
        ['xxx', 'y'],
        ['z', 'w'],
      ],
    ),
    'A    BB\nxxx  y\nz    w',
  );
  assert.is(formatDuration(90_061_000), '1d1h');
});

test.run();
