// The step planner, for every kind of change: what `up` does, step by step, as data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffStack } from '../../src/stack/diff.ts';
import { serviceFingerprint } from '../../src/stack/render/fingerprint.ts';
import { planSteps, rollbackTrack, type CaddyfilesChanged, type Step } from '../../src/stack/steps.ts';
import type { ServicePlan } from '../../src/stack/types.ts';
import { plan, proxies, replica, svc } from './stack-fixtures.ts';

/** A step in one line: `start sum 4`, `ready sum 2`, `drain sum 3`, … (replicas by number). */
function line(s: Step): string {
  // Fixture replica ids are the function name, the number, then zeros to 12 characters.
  const nums = (ids: string[]) => ids.map((id) => (id.length === 12 ? /^[a-z]+(\d)/.exec(id)![1] : id)).join(',');
  switch (s.kind) {
    case 'start':
      return `start ${s.fn} ${s.scale}`;
    case 'ready':
      return `ready ${s.fn} ${s.count}`;
    case 'rotate':
      return `rotate ${s.fn}`;
    case 'drain':
    case 'remove':
      return `${s.kind} ${s.fn} ${nums(s.containers)}`;
    case 'write':
      return `write ${s.files.join(',')}`;
    case 'recreate':
    case 'reload':
      return `${s.kind} ${s.service}`;
    default:
      return s.kind;
  }
}

const phases = (p: ReturnType<typeof planSteps>) => p.phases.map((ph) => [ph.name, ph.tracks.map((t) => t.map(line))]);

/** The plan for `next` over what runs (replicas of `old`), both Caddyfiles unchanged unless said. */
function stepsFor(
  next: ServicePlan[],
  running: ReturnType<typeof replica>[],
  changed: Partial<CaddyfilesChanged> = {},
) {
  const p = plan(next);
  return planSteps(diffStack(p, [...proxies(p), ...running]), { routes: false, ports: false, ...changed });
}

const onlyFunctions = (p: ReturnType<typeof planSteps>) =>
  p.phases.find((ph) => ph.name === 'functions')?.tracks.map((t) => t.map(line)) ?? [];

test('fresh: every file, then the whole stack started at once, waiting on each function’s replicas', () => {
  const sum = svc('sum', { replicas: 2 });
  const p = planSteps(diffStack(plan([sum, svc('hello')]), []), { routes: true, ports: true });
  assert.equal(phases(p), [['start', [['write compose,env,caddyfile,ports', 'start-all']]]]);
  assert.equal((p.phases[0]!.tracks[0]![1] as Extract<Step, { kind: 'start-all' }>).functions, [
    { fn: 'hello', config: serviceFingerprint(svc('hello')), count: 1 },
    { fn: 'sum', config: serviceFingerprint(sum), count: 2 },
  ]);
  assert.equal(p.touched, []);
});

test('nothing changed: the compose file rewritten (same bytes), no function touched, no reload', () => {
  const sum = svc('sum', { replicas: 2 });
  const p = stepsFor([sum], [replica(sum, 1), replica(sum, 2)]);
  assert.equal(phases(p), [['start', [['write compose,env']]]]);
  assert.equal(p.touched, []);
});

test('a new function: started, ready, in rotation before the routes are reloaded; the ports listener recreated after', () => {
  const sum = svc('sum');
  const fresh = svc('new', { replicas: 2 });
  const p = planSteps(diffStack(plan([sum, fresh]), [...proxies(plan([sum])), replica(sum, 1)]), {
    routes: true,
    ports: true,
  });
  assert.equal(phases(p), [
    ['start', [['write compose,env,ports']]],
    ['functions', [['start new 2', 'ready new 2', 'rotate new']]],
    ['routes', [['reload proxy']]],
    ['proxies', [['recreate ports']]],
  ]);
  assert.equal(p.touched, ['new']);
});

test('a function no longer routed: routes reloaded first, then its replicas drain and go', () => {
  const sum = svc('sum');
  const gone = svc('gone', { replicas: 2 });
  const p = planSteps(
    diffStack(plan([sum]), [...proxies(plan([sum])), replica(sum, 1), replica(gone, 1), replica(gone, 2)]),
    { routes: true, ports: false },
  );
  assert.equal(phases(p), [
    ['start', [['write compose,env']]],
    ['routes', [['reload proxy']]],
    ['retire', [['drain gone 1,2', 'remove gone 1,2']]],
  ]);
});

test('scale up 1 → 3: two new replicas beside the one that runs; no reload, no recreate', () => {
  const sum = svc('sum', { replicas: 3 });
  const p = stepsFor([sum], [replica(sum, 1)]);
  assert.equal(onlyFunctions(p), [['start sum 3', 'ready sum 2', 'rotate sum']]);
  const ready = p.phases[1]!.tracks[0]![1] as Extract<Step, { kind: 'ready' }>;
  assert.equal(ready.except, [replica(sum, 1).id]);
  assert.is(ready.config, serviceFingerprint(sum));
  assert.not.ok(p.phases.some((ph) => ph.name === 'routes' || ph.name === 'proxies'));
});

test('scale down 3 → 1: the highest numbers drain, then go', () => {
  const sum = svc('sum', { replicas: 1 });
  assert.equal(onlyFunctions(stepsFor([sum], [replica(sum, 1), replica(sum, 2), replica(sum, 3)])), [
    ['drain sum 3,2', 'remove sum 3,2'],
  ]);
});

test('a new image on 3 replicas, parallelism 1: one new ready and in rotation before each old one drains', () => {
  const old = svc('sum', { replicas: 3 });
  const next = { ...old, image: '127.0.0.1:5000/sum:bbbbbbbbbbbb', hash: 'bbbbbbbbbbbb' };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1), replica(old, 2), replica(old, 3)])), [
    [
      'start sum 4',
      'ready sum 1',
      'rotate sum',
      'drain sum 3',
      'remove sum 3',
      'start sum 4',
      'ready sum 2',
      'rotate sum',
      'drain sum 2',
      'remove sum 2',
      'start sum 4',
      'ready sum 3',
      'rotate sum',
      'drain sum 1',
      'remove sum 1',
    ],
  ]);
});

test('parallelism 2: two at a time, the last batch smaller', () => {
  const old = svc('sum', { replicas: 3, parallelism: 2 });
  const next = { ...old, env: { NEW: '1' } };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1), replica(old, 2), replica(old, 3)])), [
    [
      'start sum 5',
      'ready sum 2',
      'rotate sum',
      'drain sum 3,2',
      'remove sum 3,2',
      'start sum 4',
      'ready sum 3',
      'rotate sum',
      'drain sum 1',
      'remove sum 1',
    ],
  ]);
});

test('a redeploy of one replica: the new one answers and is in rotation before the old one drains', () => {
  const old = svc('sum');
  const next = { ...old, limits: { ...old.limits, memory: '128m' } };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1)])), [
    ['start sum 2', 'ready sum 1', 'rotate sum', 'drain sum 1', 'remove sum 1'],
  ]);
});

test('update and scale up at once: first up to the new number, then the old ones replaced', () => {
  const old = svc('sum');
  const next = { ...old, replicas: 3, env: { NEW: '1' } };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1)])), [
    [
      'start sum 3',
      'ready sum 2',
      'rotate sum',
      'start sum 4',
      'ready sum 3',
      'rotate sum',
      'drain sum 1',
      'remove sum 1',
    ],
  ]);
});

test('update and scale down at once: the surplus old ones go first, the rest is replaced', () => {
  const old = svc('sum', { replicas: 3 });
  const next = { ...old, replicas: 1, env: { NEW: '1' } };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1), replica(old, 2), replica(old, 3)])), [
    ['drain sum 3,2', 'remove sum 3,2', 'start sum 2', 'ready sum 1', 'rotate sum', 'drain sum 1', 'remove sum 1'],
  ]);
});

test('an update cut short: replicas already new are kept, only the old ones are replaced', () => {
  const next = svc('sum', { replicas: 2 });
  const old = { ...next, env: { OLD: '1' } };
  assert.equal(onlyFunctions(stepsFor([next], [replica(old, 1), replica(next, 2)])), [
    ['start sum 3', 'ready sum 1', 'rotate sum', 'drain sum 1', 'remove sum 1'],
  ]);
});

test('stopped replicas are removed before anything else; functions run side by side, one track each', () => {
  const sum = svc('sum', { replicas: 2 });
  const mul = svc('mul', { replicas: 2 });
  const p = stepsFor([sum, mul], [replica(sum, 1), replica(sum, 2, { status: 'exited' }), replica(mul, 1)]);
  assert.equal(onlyFunctions(p), [
    ['start mul 2', 'ready mul 1', 'rotate mul'],
    ['remove sum 2', 'start sum 2', 'ready sum 1', 'rotate sum'],
  ]);
  assert.equal(p.touched, ['mul', 'sum']);
});

test('a route change alone: one reload, no function touched', () => {
  const sum = svc('sum');
  const p = stepsFor([{ ...sum, paths: ['/sum', '/add'] }], [replica(sum, 1)], { routes: true });
  assert.equal(phases(p), [
    ['start', [['write compose,env']]],
    ['routes', [['reload proxy']]],
  ]);
});

test('a new API key (both Caddyfiles change, the set of ports does not): both proxies reloaded, neither recreated', () => {
  const sum = svc('sum');
  const p = stepsFor([sum], [replica(sum, 1)], { routes: true, ports: true });
  assert.equal(phases(p), [
    ['start', [['write compose,env']]],
    ['routes', [['reload proxy']]],
    ['proxies', [['reload ports']]],
  ]);
  assert.equal(p.touched, []);
});

test('the own ports’ config alone changed: the ports listener reloaded, the routes untouched', () => {
  const sum = svc('sum');
  assert.equal(phases(stepsFor([sum], [replica(sum, 1)], { ports: true })), [
    ['start', [['write compose,env']]],
    ['proxies', [['reload ports']]],
  ]);
});

test('a new proxy image or port: the proxy recreated last (and the ports listener with a new image)', () => {
  const sum = svc('sum');
  const before = plan([sum]);
  const p = planSteps(
    diffStack({ ...before, proxy: { ...before.proxy, image: 'faaso/caddy:2' } }, [...proxies(before), replica(sum, 1)]),
    { routes: false, ports: false },
  );
  assert.equal(phases(p).at(-1), ['proxies', [['recreate ports', 'recreate proxy']]]);
});

test('rollback after the first new replica failed: it goes, the old ones were never touched', () => {
  const before = [{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }];
  const now = [...before.map((c) => ({ ...c, running: true })), { id: 'n1', running: false }];
  assert.equal(rollbackTrack('sum', before, now, 'cfgOld').map(line), ['drain sum n1', 'remove sum n1']);
});

test('rollback after one old replica was already replaced: the old config comes back first, then the new ones go', () => {
  const before = [{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }];
  const now = [
    { id: 'o1', running: true },
    { id: 'o2', running: true },
    { id: 'n1', running: true },
    { id: 'n2', running: false },
  ];
  const steps = rollbackTrack('sum', before, now, 'cfgOld');
  assert.equal(steps.map(line), ['start sum 5', 'ready sum 1', 'rotate sum', 'drain sum n1,n2', 'remove sum n1,n2']);
  const ready = steps[1] as Extract<Step, { kind: 'ready' }>;
  assert.equal([ready.config, ready.except], ['cfgOld', ['o1', 'o2', 'n1', 'n2']]);
});

test('rollback of a drained old replica that still exists stopped: removed, then started again', () => {
  const before = [{ id: 'o1' }, { id: 'o2' }];
  const now = [
    { id: 'o1', running: true },
    { id: 'o2', running: false },
    { id: 'n1', running: true },
  ];
  assert.equal(rollbackTrack('sum', before, now, 'c').map(line), [
    'remove sum o2',
    'start sum 3',
    'ready sum 1',
    'rotate sum',
    'drain sum n1',
    'remove sum n1',
  ]);
});

test('rollback of a function this up added, or scaled down: only what it made goes, what it removed comes back', () => {
  assert.equal(
    rollbackTrack(
      'new',
      [],
      [
        { id: 'n1', running: true },
        { id: 'n2', running: true },
      ],
      '',
    ).map(line),
    ['drain new n1,n2', 'remove new n1,n2'],
  );
  assert.equal(rollbackTrack('sum', [{ id: 'o1' }, { id: 'o2' }], [{ id: 'o1', running: true }], 'c').map(line), [
    'start sum 2',
    'ready sum 1',
    'rotate sum',
  ]);
  assert.equal(rollbackTrack('sum', [{ id: 'o1' }], [{ id: 'o1', running: true }], 'c'), []);
});

test.run();
