// The pure core of a stack on Swarm: what differs from the plan, which steps a
// rollout takes, when it is over (or failed), and the words of the docker CLI
// parsed. No Docker here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrapJson } from '../../src/stack/render/swarm-routes.ts';
import { portsFingerprint, serviceFingerprint, swarmProxyFingerprint } from '../../src/stack/render/fingerprint.ts';
import { configName } from '../../src/stack/render/swarm.ts';
import { rolloutHint, serviceVerdict, stackVerdict, type ServiceState } from '../../src/stack/swarm/converge.ts';
import { diffSwarmStack, plannedConfigs, swarmInSync } from '../../src/stack/swarm/diff.ts';
import {
  ageSeconds,
  parseServiceCounts,
  parseServices,
  parseSwarmInfo,
  parseTasks,
  type SwarmService,
} from '../../src/stack/swarm/inspect.ts';
import { planSwarmSteps } from '../../src/stack/swarm/steps.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { GOLDEN_FAASO_YML } from '../fixtures/compose/plan.ts';
import { swarmPlan, swarmRoutes } from '../fixtures/swarm/plan.ts';

const SUM = GOLDEN_FAASO_YML.functions.sum;

/** The services as Swarm would run `plan` (every label as the stack file sets it). */
function running(plan: StackPlan): SwarmService[] {
  const bootstrap = configName(plan.project, 'bootstrap', bootstrapJson());
  const fn = plan.services.map((s) => ({
    id: `id-${s.name}`,
    name: `faaso_${s.name}`,
    short: s.name,
    role: 'function' as const,
    config: serviceFingerprint(s),
    image: s.image,
    global: false,
    replicas: s.replicas,
  }));
  const proxy = (short: 'proxy' | 'ports' | 'proxy-routes', config: string): SwarmService => ({
    id: `id-${short}`,
    name: `faaso_${short}`,
    short,
    role: short === 'proxy-routes' ? 'routes' : short,
    config,
    image: plan.proxy.image,
    global: true,
    replicas: -1,
  });
  return [
    ...fn,
    proxy('proxy', swarmProxyFingerprint(plan, bootstrap)),
    proxy('ports', portsFingerprint(plan)),
    proxy('proxy-routes', configName(plan.project, 'routes', swarmRoutes(plan))),
  ];
}

const diffOf = (plan: StackPlan, services: readonly SwarmService[]) =>
  diffSwarmStack(plan, services, swarmRoutes(plan));
const keepOf = (plan: StackPlan) => plannedConfigs(plan, swarmRoutes(plan));

test('diff: nothing runs → fresh, every function added', () => {
  const d = diffOf(swarmPlan(), []);
  assert.is(d.fresh, true);
  assert.equal(
    d.functions.map((f) => [f.name, f.kind, f.from, f.to]),
    [
      ['hello', 'add', 0, 1],
      ['multiply', 'add', 0, 1],
      ['sum', 'add', 0, 3],
    ],
  );
  assert.is(swarmInSync(d), false);
});

test('diff: the plan as it runs → in sync', () => {
  const d = diffOf(swarmPlan(), running(swarmPlan()));
  assert.equal(
    d.functions.map((f) => f.kind),
    ['same', 'same', 'same'],
  );
  assert.is(d.proxyChanged || d.portsChanged, false);
  assert.is(swarmInSync(d), true);
});

test('diff: env change → update; replicas → scale; a route change → only the routes; a function no longer routed → removed', () => {
  const now = running(swarmPlan());
  const env = diffOf(swarmPlan({ functions: { sum: { ...SUM, env: { X: '1' } } } }), now);
  assert.is(env.functions.find((f) => f.name === 'sum')!.kind, 'update');
  const scaled = diffOf(swarmPlan({ functions: { sum: { ...SUM, replicas: 5 } } }), now);
  assert.equal(
    scaled.functions.find((f) => f.name === 'sum'),
    { name: 'sum', kind: 'scale', from: 3, to: 5 },
  );
  const routes = diffOf(swarmPlan({ routes: { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' } }), now);
  assert.equal([routes.proxyChanged, routes.portsChanged, routes.routesChanged], [false, false, true]);
  assert.equal(
    routes.functions.map((f) => f.kind),
    ['same', 'same', 'same'],
  );
  const fewer = diffOf(swarmPlan({ routes: { '/sum': 'sum', '/hello': 'hello' } }), now);
  assert.equal(fewer.removed, ['multiply']);
  assert.is(fewer.portsChanged, true, 'one port fewer');
});

test('steps: in sync → nothing (or only the drifted files written); otherwise write, remove compose files, deploy, converge, prune', () => {
  const plan = swarmPlan();
  const keep = keepOf(plan);
  assert.equal(planSwarmSteps(diffOf(plan, running(plan)), [], keep, 'v1').steps, []);
  assert.equal(planSwarmSteps(diffOf(plan, running(plan)), ['stack'], keep, 'v1').steps, [
    { kind: 'write', files: ['stack'] },
  ]);
  const fresh = planSwarmSteps(diffOf(plan, []), ['stack', 'caddyfile', 'ports'], keep, 'v1');
  assert.equal(fresh.steps, [
    { kind: 'write', files: ['stack', 'caddyfile', 'routesJson', 'bootstrap', 'ports'] },
    { kind: 'remove-files', files: ['compose', 'env'] },
    { kind: 'deploy' },
    { kind: 'converge', updated: [] },
    { kind: 'routes-loaded', version: 'v1' },
    { kind: 'prune-configs', keep },
  ]);
  assert.is(fresh.proxiesRestart, false, 'nothing ran: nothing restarts');
});

test('steps: the services whose spec changed must show a new rollout; a route change updates proxy-routes, waits for every proxy to load it, restarts no proxy', () => {
  const now = running(swarmPlan());
  const next = swarmPlan({
    routes: { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' },
    functions: { ...GOLDEN_FAASO_YML.functions, hello: { env: { A: '1' } } },
  });
  const p = planSwarmSteps(diffOf(next, now), ['stack', 'caddyfile'], keepOf(next), 'v2');
  assert.equal(
    p.steps.find((s) => s.kind === 'converge'),
    { kind: 'converge', updated: ['hello', 'proxy-routes'] },
  );
  assert.ok(p.steps.some((s) => s.kind === 'routes-loaded' && s.version === 'v2'));
  assert.is(p.proxiesRestart, false);
  const scaled = planSwarmSteps(
    diffOf(swarmPlan({ functions: { ...GOLDEN_FAASO_YML.functions, hello: { replicas: 2 } } }), now),
    ['stack'],
    keepOf(next),
    'v1',
  );
  assert.not.ok(
    scaled.steps.some((s) => s.kind === 'routes-loaded'),
    'same routes: nothing to wait for',
  );
  const ports = planSwarmSteps(
    diffOf(swarmPlan({ functions: { ...GOLDEN_FAASO_YML.functions, hello: { port: 9123 } } }), now),
    ['stack'],
    keepOf(next),
    'v1',
  );
  assert.is(ports.proxiesRestart, true, 'other published ports: the ports listener restarts node by node');
});

const svc = (over: Partial<SwarmService> = {}): SwarmService => ({
  id: 'x',
  name: 'faaso_sum',
  short: 'sum',
  role: 'function',
  config: 'c',
  image: 'i',
  global: false,
  replicas: 2,
  ...over,
});
const state = (over: Partial<ServiceState> = {}): ServiceState => ({
  service: svc(),
  counts: { running: 2, wanted: 2 },
  before: '',
  updated: false,
  ...over,
});
const update = (s: string, startedAt = 't2', message = '') => ({ state: s, startedAt, message });

test('converge: a service is done when its wanted tasks run; waiting while fewer do', () => {
  assert.equal(serviceVerdict(state()), { kind: 'done' });
  assert.equal(serviceVerdict(state({ counts: { running: 1, wanted: 2 } })), {
    kind: 'waiting',
    why: 'sum: 1/2 running',
  });
  assert.equal(serviceVerdict(state({ counts: undefined })).kind, 'waiting');
  assert.equal(serviceVerdict(state({ counts: { running: 0, wanted: 0 } })).kind, 'waiting');
});

test('converge: an updated service waits for a new rollout (not the previous one) to complete', () => {
  const old = svc({ update: update('completed', 't1') });
  assert.equal(serviceVerdict(state({ service: old, before: 't1', updated: true })).kind, 'waiting', 'the old rollout');
  assert.equal(serviceVerdict(state({ service: svc({ update: update('updating') }), before: 't1', updated: true })), {
    kind: 'waiting',
    why: 'sum: updating',
  });
  assert.equal(serviceVerdict(state({ service: svc({ update: update('completed') }), before: 't1', updated: true })), {
    kind: 'done',
  });
  assert.equal(serviceVerdict(state({ service: svc(), before: '', updated: true })).kind, 'waiting', 'not started');
});

test('converge: a rollout Swarm rolled back or paused is a failure, with its message', () => {
  const rolled = state({
    service: svc({ update: update('rollback_completed', 't2', 'update rolled back due to failure') }),
    before: 't1',
    updated: true,
  });
  assert.equal(serviceVerdict(rolled), {
    kind: 'failed',
    why: 'sum: rollback completed (update rolled back due to failure)',
  });
  const same = state({
    service: svc({ update: update('rollback_completed', 't2', 'rollback completed') }),
    before: 't1',
    updated: true,
  });
  assert.equal(serviceVerdict(same), { kind: 'failed', why: 'sum: rollback completed' });
  assert.is(
    serviceVerdict(state({ service: svc({ update: update('paused') }), before: 't1', updated: true })).kind,
    'failed',
  );
  // A rollback of an earlier `up` does not fail this one when the service is not updated now.
  assert.equal(serviceVerdict(state({ service: svc({ update: update('rollback_completed', 't1') }), before: 't1' })), {
    kind: 'done',
  });
});

test('converge: the stack fails on the first failure, waits while any service waits', () => {
  const ok = state();
  const slow = state({ service: svc({ short: 'hello' }), counts: { running: 0, wanted: 1 } });
  const bad = state({ service: svc({ update: update('rollback_paused') }), updated: true, before: 't1' });
  assert.equal(stackVerdict([ok]), { kind: 'done' });
  assert.equal(stackVerdict([ok, slow]), { kind: 'waiting', why: 'hello: 0/1 running' });
  assert.is(stackVerdict([slow, bad]).kind, 'failed');
});

test('converge: a failed rollout’s hint names Docker’s mount bug (moby#48783) when a task hit it, else where to look', () => {
  const bug =
    'the rollout failed: proxy-routes: rollback completed\nfaaso_proxy-routes.1 on node1: "starting container failed: unable to remount dir as readonly: mount tmpfs:/var/lib/docker/containers/1cda/mounts/secrets, flags: 0x21, data: uid=0,gid=0: device or resource busy"';
  assert.match(
    rolloutHint(bug),
    /moby\/moby#48783\): run up again; if it fails the same way again, see why with npx zx scripts\/logs\.mjs NAME/,
  );
  const own = 'the rollout failed: sum: rollback completed\nfaaso_sum.1 on node2: "task: non-zero exit (1)"';
  assert.is(
    rolloutHint(own),
    'see why with npx zx scripts/logs.mjs NAME (its tasks’ logs from every node); fix it, then run up again',
  );
});

test('parse docker info .Swarm: state, manager, node, managers', () => {
  const info = parseSwarmInfo(
    JSON.stringify({
      NodeID: 'n1',
      NodeAddr: '10.0.0.5',
      LocalNodeState: 'active',
      ControlAvailable: true,
      Error: '',
      RemoteManagers: [{ NodeID: 'n1', Addr: '10.0.0.5:2377' }],
    }),
  );
  assert.equal(info, {
    state: 'active',
    manager: true,
    nodeId: 'n1',
    nodeAddr: '10.0.0.5',
    managers: ['10.0.0.5:2377'],
    error: '',
  });
  assert.equal(parseSwarmInfo(JSON.stringify({ LocalNodeState: 'inactive', RemoteManagers: null })).state, 'inactive');
});

test('parse docker service inspect: names without the stack prefix, role and config labels, mode, rollout', () => {
  const json = JSON.stringify([
    {
      ID: 'a',
      Spec: {
        Name: 'faaso_sum',
        Labels: { 'faaso.role': 'function', 'faaso.config': 'abc' },
        Mode: { Replicated: { Replicas: 2 } },
        TaskTemplate: { ContainerSpec: { Image: 'r/sum:1@sha256:x' } },
      },
      UpdateStatus: { State: 'completed', StartedAt: 't', Message: 'update completed' },
    },
    {
      ID: 'b',
      Spec: {
        Name: 'faaso_proxy',
        Labels: { 'faaso.role': 'proxy' },
        Mode: { Global: {} },
        TaskTemplate: { ContainerSpec: { Image: 'c' } },
      },
    },
  ]);
  const [proxy, sum] = parseServices(json, 'faaso');
  assert.equal(sum, {
    id: 'a',
    name: 'faaso_sum',
    short: 'sum',
    role: 'function',
    config: 'abc',
    image: 'r/sum:1@sha256:x',
    global: false,
    replicas: 2,
    update: { state: 'completed', startedAt: 't', message: 'update completed' },
  });
  assert.equal(
    [proxy!.short, proxy!.role, proxy!.global, proxy!.replicas, proxy!.update],
    ['proxy', 'proxy', true, -1, undefined],
  );
});

test('parse service counts and tasks (history rows included); ages as Docker words them', () => {
  const counts = parseServiceCounts('{"Name":"faaso_sum","Replicas":"1/2"}\n{"Name":"faaso_proxy","Replicas":"3/3"}\n');
  assert.equal(counts.get('faaso_sum'), { running: 1, wanted: 2 });
  const tasks = parseTasks(
    [
      '{"ID":"t1","Name":"faaso_sum.1","Node":"node2","DesiredState":"Running","CurrentState":"Running 5 minutes ago","Error":"","Image":"i"}',
      '{"ID":"t0","Name":"\\\\_ faaso_sum.1","Node":"node3","DesiredState":"Shutdown","CurrentState":"Failed 6 minutes ago","Error":"task: non-zero exit (137)","Image":"i"}',
      '{"ID":"p1","Name":"faaso_proxy.nodeid1","Node":"node1","DesiredState":"Running","CurrentState":"Starting 2 seconds ago","Error":"","Image":"c"}',
    ].join('\n'),
  );
  assert.equal(
    tasks.map((t) => [t.name, t.service, t.node, t.desired, t.state, t.since, t.error]),
    [
      ['faaso_sum.1', 'faaso_sum', 'node2', 'running', 'running', '5 minutes ago', ''],
      ['faaso_sum.1', 'faaso_sum', 'node3', 'shutdown', 'failed', '6 minutes ago', 'task: non-zero exit (137)'],
      ['faaso_proxy.nodeid1', 'faaso_proxy', 'node1', 'running', 'starting', '2 seconds ago', ''],
    ],
  );
  assert.is(ageSeconds('5 minutes ago'), 300);
  assert.is(ageSeconds('About an hour ago'), 3600);
  assert.is(ageSeconds('Less than a second ago'), 0);
  assert.is(ageSeconds('an hour ago'), 3600);
  assert.is(ageSeconds('who knows'), Number.POSITIVE_INFINITY);
});

test.run();
