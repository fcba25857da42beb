import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backoffMs,
  brokenServices,
  decide,
  DEFAULT_THRESHOLDS,
  emptyMemory,
  type CheckInput,
  type ContainerObservation,
  type Decision,
  type ExpectedService,
  type WatchMemory,
  type WatchThresholds,
} from '../../src/watch/decide.ts';

const test = suite('watch-decide');

const T0 = Date.parse('2026-11-25T20:00:00Z');
const S = 1000;
const SUM: ExpectedService = { service: 'sum', fn: 'sum', role: 'function' };
const PROXY: ExpectedService = { service: 'proxy', fn: '', role: 'proxy' };
const t = (over: Partial<WatchThresholds> = {}): WatchThresholds => ({ ...DEFAULT_THRESHOLDS, settleMs: 0, ...over });

function c(over: Partial<ContainerObservation> = {}): ContainerObservation {
  const service = over.service ?? 'sum';
  return {
    id: `id-${service}`,
    name: `faaso-${service}-1`,
    service,
    role: service === 'proxy' ? 'proxy' : 'function',
    fn: service === 'proxy' ? '' : service,
    status: 'running',
    health: 'healthy',
    failingStreak: 0,
    restarts: 0,
    startedAt: T0 - 60 * S,
    createdAt: T0 - 60 * S,
    exitCode: 0,
    oomKilled: false,
    image: 'img:1',
    hash: '',
    config: '',
    published: [],
    pingUrl: null,
    pingFailed: false,
    ...over,
  };
}
/** The proxy keeps the stack "up" in every scenario that does not test stack-down. */
const proxy = c({ service: 'proxy' });

/** Runs checks in sequence, threading the memory like the shell does. */
class Watcher {
  memory: WatchMemory = emptyMemory();
  constructor(
    readonly th: WatchThresholds = t(),
    readonly expected: ExpectedService[] = [SUM, PROXY],
  ) {}
  check(now: number, observed: ContainerObservation[], over: Partial<CheckInput> = {}): Decision {
    const d = decide(
      { expected: this.expected, observed: [proxy, ...observed], now, composeChangedAt: 0, ...over },
      this.memory,
      this.th,
    );
    this.memory = d.memory;
    return d;
  }
}
const kinds = (d: Decision): string[] => d.events.map((e) => e.kind);

test('all healthy: no action, no event; a first sight only sets the baseline (restart counts included)', () => {
  const w = new Watcher();
  const d = w.check(T0, [c({ restarts: 7 })]);
  assert.equal(d.actions, []);
  assert.equal(d.events, []);
  assert.is(w.memory.services.sum!.restartCount, 7);
  assert.equal(w.check(T0 + 5 * S, [c({ restarts: 7 })]).events, []);
});

test('missing → compose create; dead → forced recreate; exited → docker start with the exit code; created → start', () => {
  assert.equal(new Watcher().check(T0, []).actions, [
    { kind: 'create', service: 'sum', force: false, reason: 'missing' },
  ]);
  assert.equal(new Watcher().check(T0, [c({ status: 'dead', exitCode: 1 })]).actions, [
    { kind: 'create', service: 'sum', force: true, reason: 'dead' },
  ]);
  assert.equal(new Watcher().check(T0, [c({ status: 'exited', exitCode: 143, health: 'unhealthy' })]).actions, [
    { kind: 'start', service: 'sum', container: 'id-sum', reason: 'stopped (exit code 143)' },
  ]);
  assert.equal(
    new Watcher().check(T0, [c({ status: 'exited', exitCode: 137, oomKilled: true })]).actions[0]!.reason,
    'stopped (exit code 137, out of memory)',
  );
  assert.equal(new Watcher().check(T0, [c({ status: 'created', health: 'starting' })]).actions, [
    { kind: 'start', service: 'sum', container: 'id-sum', reason: 'created but never started' },
  ]);
});

test('the proxy is kept alive like a function', () => {
  const w = new Watcher();
  const d = decide({ expected: [SUM, PROXY], observed: [c()], now: T0, composeChangedAt: 0 }, w.memory, t());
  assert.equal(d.actions, [{ kind: 'create', service: 'proxy', force: false, reason: 'missing' }]);
});

test('restarting (Docker is on it), starting and removing: no action', () => {
  for (const over of [{ status: 'restarting', exitCode: 1 }, { health: 'starting' }, { status: 'removing' }]) {
    const d = new Watcher().check(T0, [c(over)]);
    assert.equal(d.actions, [], JSON.stringify(over));
    assert.equal(d.events, [], JSON.stringify(over));
  }
});

test('unhealthy: reported on the first check, restarted on the Nth in a row', () => {
  const w = new Watcher(t({ unhealthyChecks: 3 }));
  const sick = c({ health: 'unhealthy', failingStreak: 3 });
  const d1 = w.check(T0, [sick]);
  assert.equal(d1.actions, []);
  assert.equal(d1.events, [{ service: 'sum', kind: 'failing', message: 'unhealthy (check 1 of 3)' }]);
  const d2 = w.check(T0 + 5 * S, [sick]);
  assert.equal([d2.actions, d2.events], [[], []]);
  const d3 = w.check(T0 + 10 * S, [sick]);
  assert.equal(d3.actions, [
    { kind: 'restart', service: 'sum', container: 'id-sum', unpause: false, reason: 'unhealthy 3 checks in a row' },
  ]);
  assert.is(w.memory.services.sum!.failingChecks, 0);
});

test('a healthy check (or another container) in between starts the count again', () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }));
  const sick = c({ health: 'unhealthy' });
  w.check(T0, [sick]);
  w.check(T0 + 1 * S, [c()]);
  assert.equal(w.check(T0 + 2 * S, [sick]).actions, []);
  w.check(T0 + 3 * S, [c({ id: 'other', health: 'unhealthy' })]);
  assert.is(w.memory.services.sum!.failingChecks, 1);
  assert.is(w.check(T0 + 4 * S, [c({ id: 'other', health: 'unhealthy' })]).actions[0]!.kind, 'restart');
});

test('a failed probe counts before Docker calls it unhealthy, unless earlyProbeFailures is off', () => {
  const hung = c({ health: 'healthy', failingStreak: 1 });
  const early = new Watcher(t({ unhealthyChecks: 2 }));
  early.check(T0, [hung]);
  assert.is(early.check(T0 + S, [hung]).actions[0]!.kind, 'restart');
  const late = new Watcher(t({ unhealthyChecks: 1, earlyProbeFailures: false }));
  assert.equal(late.check(T0, [hung]).actions, []);
  assert.is(late.check(T0 + S, [c({ health: 'unhealthy', failingStreak: 3 })]).actions[0]!.kind, 'restart');
});

test('threshold 1 restarts at once, with no "check 1 of 1" line', () => {
  const d = new Watcher(t({ unhealthyChecks: 1 })).check(T0, [c({ health: 'unhealthy' })]);
  assert.equal(d.events, []);
  assert.equal(d.actions, [
    { kind: 'restart', service: 'sum', container: 'id-sum', unpause: false, reason: 'unhealthy' },
  ]);
});

test('paused (its healthcheck does not run): restarted with an unpause first after N checks', () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }));
  const paused = c({ status: 'paused', health: 'healthy' });
  assert.equal(w.check(T0, [paused]).events, [{ service: 'sum', kind: 'failing', message: 'paused (check 1 of 2)' }]);
  assert.equal(w.check(T0 + S, [paused]).actions, [
    { kind: 'restart', service: 'sum', container: 'id-sum', unpause: true, reason: 'paused 2 checks in a row' },
  ]);
});

test('after a restart: healthy again is reported once', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }));
  w.check(T0, [c({ health: 'unhealthy' })]);
  assert.equal(w.check(T0 + S, [c({ health: 'starting' })]).events, []);
  assert.equal(w.check(T0 + 2 * S, [c()]).events, [{ service: 'sum', kind: 'recovered', message: 'healthy again' }]);
  assert.equal(w.check(T0 + 3 * S, [c()]).events, []);
});

test('a crash Docker restarted is reported (with the exit code while it is down), then healthy again', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  const d = w.check(T0 + 5 * S, [c({ status: 'restarting', restarts: 1, exitCode: 137, health: 'unhealthy' })]);
  assert.equal(d.actions, []);
  assert.equal(d.events, [
    {
      service: 'sum',
      kind: 'crashed',
      message: 'crashed (exit code 137) → restarted by Docker (1 restart in the last 1min)',
    },
  ]);
  assert.equal(kinds(w.check(T0 + 10 * S, [c({ restarts: 1 })])), ['recovered']);
});

test('a crash seen only after Docker healed it: one line saying both', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  assert.equal(w.check(T0 + 5 * S, [c({ restarts: 1 })]).events, [
    {
      service: 'sum',
      kind: 'crashed',
      message: 'crashed → restarted by Docker, healthy again (1 restart in the last 1min)',
    },
  ]);
});

test('docker restart/start reset RestartCount: no false crash after our own action, real crashes after it still count', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }));
  w.check(T0, [c({ restarts: 4 })]);
  w.check(T0 + S, [c({ restarts: 4, health: 'unhealthy' })]); // → restart
  assert.equal(w.check(T0 + 2 * S, [c({ restarts: 0, health: 'starting' })]).events, []);
  assert.equal(kinds(w.check(T0 + 3 * S, [c({ restarts: 1, status: 'restarting', exitCode: 1 })])), ['crashed']);
});

test('crash loop under Docker: 3 restarts in 60 s → reported once and left alone (no actions, no lines) for 30 s', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  const looping = (restarts: number, status = 'restarting') => [
    c({ status, restarts, exitCode: 1, health: 'unhealthy' }),
  ];
  assert.equal(kinds(w.check(T0 + 1 * S, looping(2))), ['crashed']);
  const d = w.check(T0 + 2 * S, looping(3));
  assert.equal(d.actions, []);
  assert.equal(d.events, [
    {
      service: 'sum',
      kind: 'crash-looping',
      message: 'crash-looping: 3 restarts in the last 1min, exit code 1 → leaving it alone for 30s',
    },
  ]);
  assert.is(w.memory.services.sum!.until, T0 + 32 * S);
  // Even a stopped container is left alone during the period.
  for (let i = 3; i < 32; i++) {
    const r = w.check(T0 + i * S, looping(3 + i, i % 2 ? 'exited' : 'restarting'));
    assert.equal([r.actions, r.events], [[], []], `at ${i}s`);
  }
});

test('backoff schedule: 30 s, doubling, capped at 5 min', () => {
  assert.equal(
    [1, 2, 3, 4, 5, 6, 10].map((l) => backoffMs(l, DEFAULT_THRESHOLDS) / S),
    [30, 60, 120, 240, 300, 300, 300],
  );
  assert.equal(
    [1, 2, 3].map((l) => backoffMs(l, { backoffBaseMs: 1000, backoffMaxMs: 2500 })),
    [1000, 2000, 2500],
  );
});

test('still crash-looping at the end of each period: one report per period, each period twice as long, never an action', () => {
  const w = new Watcher();
  let restarts = 0;
  const looping = () => [c({ status: 'restarting', restarts, exitCode: 1, health: 'unhealthy' })];
  w.check(T0, looping());
  const reports: [number, string][] = [];
  for (let s = 1; s <= 1200; s++) {
    if (s % 10 === 0) restarts += 1; // Docker restarts it every 10 s
    const d = w.check(T0 + s * S, looping());
    assert.equal(d.actions, [], `at ${s}s`);
    for (const e of d.events) reports.push([s, `${e.kind}: ${e.message.replace(/^.*→ /, '')}`]);
  }
  // Before the loop is recognised each crash is a line of its own; after, one per period.
  assert.equal(reports.slice(0, 2), [
    [10, 'crashed: restarted by Docker (1 restart in the last 1min)'],
    [20, 'crashed: restarted by Docker (2 restarts in the last 1min)'],
  ]);
  assert.equal(
    reports.slice(2).map(([s, m]) => [s, m.replace('crash-looping: ', '')]),
    [
      [30, 'leaving it alone for 30s'],
      [60, 'leaving it alone for 1min'],
      [120, 'leaving it alone for 2min'],
      [240, 'leaving it alone for 4min'],
      [480, 'leaving it alone for 5min'],
      [780, 'leaving it alone for 5min'],
      [1080, 'leaving it alone for 5min'],
    ],
  );
  assert.match(w.check(T0 + 1081 * S, looping()).events[0]?.message ?? 'none', /none/);
});

test('after a period with no restart by Docker: one retry; failing again → the next, longer period', () => {
  const w = new Watcher(t({ crashRestarts: 3 }));
  w.check(T0, [c()]);
  for (let i = 1; i <= 3; i++) w.check(T0 + i * S, [c({ status: 'restarting', restarts: i, exitCode: 2 })]);
  assert.is(w.memory.services.sum!.level, 1);
  const stopped = c({ status: 'exited', restarts: 3, exitCode: 2 });
  assert.equal(w.check(T0 + 20 * S, [stopped]).actions, []);
  const retry = w.check(T0 + 34 * S, [stopped]);
  assert.equal(retry.actions, [
    { kind: 'start', service: 'sum', container: 'id-sum', reason: 'stopped (exit code 2)' },
  ]);
  assert.equal(w.check(T0 + 35 * S, [c({ health: 'starting' })]).events, []);
  const again = w.check(T0 + 40 * S, [c({ status: 'exited', exitCode: 2 })]);
  assert.equal(again.actions, []);
  assert.equal(again.events, [
    {
      service: 'sum',
      kind: 'crash-looping',
      message: 'still crash-looping: stopped (exit code 2) again after the last retry → leaving it alone for 1min',
    },
  ]);
});

test('our own actions count: a container that dies right after each start is backed off, not started forever', () => {
  const w = new Watcher();
  const acted: number[] = [];
  for (let s = 0; s < 60; s++) {
    const d = w.check(T0 + s * S, s % 2 ? [c({ status: 'exited', exitCode: 1 })] : []);
    if (d.actions.length) acted.push(s);
    if (kinds(d).includes('crash-looping')) {
      assert.match(d.events[0]!.message, /crash-looping: 3 restarts in the last 1min →/);
      break;
    }
  }
  assert.equal(acted, [0, 1, 2]);
});

test('restarts spread wider than the window still make a loop when it never became healthy in between', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }));
  const sick = c({ health: 'unhealthy' });
  const acted: number[] = [];
  let looped = '';
  for (let s = 0; s <= 200 && !looped; s += 40) {
    const d = w.check(T0 + s * S, [sick]);
    if (d.actions.length) acted.push(s);
    if (d.events.length) looped = `${s}: ${d.events[0]!.message}`;
  }
  assert.equal(acted, [0, 40, 80]);
  assert.is(looped, '120: crash-looping: 3 restarts without becoming healthy → leaving it alone for 30s');
  // The period over, one retry.
  assert.is(w.check(T0 + 160 * S, [sick]).actions[0]!.kind, 'restart');
});

test('recovery: a healthy check resets everything, backoff included; a new loop starts from the first period', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  for (let i = 1; i <= 3; i++) w.check(T0 + i * S, [c({ status: 'restarting', restarts: i })]);
  assert.is(w.memory.services.sum!.level, 1);
  const back = w.check(T0 + 10 * S, [c({ restarts: 3 })]);
  assert.equal(back.events, [{ service: 'sum', kind: 'recovered', message: 'healthy again' }]);
  assert.equal(w.memory.services.sum!, {
    containerId: 'id-sum',
    restartCount: 3,
    failingChecks: 0,
    restarts: [],
    attempts: 0,
    level: 0,
    until: 0,
    dockerSinceLoop: 0,
    oursSinceLoop: 0,
    problem: false,
    deferred: false,
  });
  // Acting again right away (no backoff left), and a new loop gets the first period again.
  assert.is(w.check(T0 + 11 * S, [c({ status: 'exited', restarts: 3 })]).actions[0]!.kind, 'start');
  // Our start at 11 s and Docker's two restarts make three: the first period again.
  for (let i = 1; i <= 2; i++) w.check(T0 + (20 + i) * S, [c({ status: 'restarting', restarts: i })]);
  assert.is(w.memory.services.sum!.level, 1);
  assert.is(w.memory.services.sum!.until, T0 + 52 * S);
});

test('incidents that each healed do not add up to a loop', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }));
  w.check(T0, [c()]);
  let s = 0;
  for (let round = 0; round < 5; round++) {
    const d = w.check(T0 + ++s * S, [c({ status: 'paused' })]);
    assert.is(d.actions[0]?.kind, 'restart', `round ${round}`);
    w.check(T0 + ++s * S, [c({ health: 'starting' })]);
    assert.equal(kinds(w.check(T0 + ++s * S, [c()])), ['recovered']);
  }
});

test('stack down (nothing running, e.g. after down.mjs): said once, nothing started; back up: said once', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  const down = decide(
    {
      expected: [SUM, PROXY],
      observed: [c({ status: 'exited' }), c({ service: 'proxy', status: 'exited' })],
      now: T0 + S,
      composeChangedAt: 0,
    },
    w.memory,
    t(),
  );
  assert.equal(down.actions, []);
  assert.equal(kinds(down), ['stack-down']);
  const still = decide(
    { expected: [SUM, PROXY], observed: [], now: T0 + 2 * S, composeChangedAt: 0 },
    down.memory,
    t(),
  );
  assert.equal([still.actions, still.events], [[], []]);
  const up = decide(
    { expected: [SUM, PROXY], observed: [c(), proxy], now: T0 + 3 * S, composeChangedAt: 0 },
    still.memory,
    t(),
  );
  assert.equal(kinds(up), ['stack-up']);
  assert.is(up.memory.stackDown, false);
});

test('a young standby (redeploy in progress) defers actions on that function, said once; an old one does not', () => {
  const w = new Watcher();
  const standby = c({ id: 'sb', service: 'sum_standby', role: 'standby', fn: 'sum', createdAt: T0 - 5 * S });
  const d1 = w.check(T0, [standby]);
  assert.equal(d1.actions, []);
  assert.equal(d1.events, [
    { service: 'sum', kind: 'deferred', message: 'redeploy in progress (sum_standby exists): not touching it' },
  ]);
  assert.equal(w.check(T0 + S, [standby]).events, []);
  assert.equal(w.check(T0 + 200 * S, [standby]).actions, [
    { kind: 'create', service: 'sum', force: false, reason: 'missing' },
  ]);
});

test('standby containers are never taken for the service itself', () => {
  const d = new Watcher().check(T0, [
    c({ id: 'sb', service: 'sum_standby', role: 'standby', status: 'exited', createdAt: 0 }),
  ]);
  assert.equal(d.actions, [{ kind: 'create', service: 'sum', force: false, reason: 'missing' }]);
});

test('a compose file written moments ago (up at work): no action until it settled', () => {
  const w = new Watcher(t({ settleMs: 10 * S }));
  assert.equal(w.check(T0, [], { composeChangedAt: T0 - 3 * S }).actions, []);
  assert.is(w.check(T0 + 8 * S, [], { composeChangedAt: T0 - 3 * S }).actions[0]!.kind, 'create');
});

test('several services: sorted, each on its own; services no longer in the file are forgotten', () => {
  const mul: ExpectedService = { service: 'mul', fn: 'mul', role: 'function' };
  const w = new Watcher(t(), [SUM, mul, PROXY]);
  const d = w.check(T0, [c({ service: 'sum', status: 'exited' }), c({ service: 'mul', status: 'exited' })]);
  assert.equal(
    d.actions.map((a) => a.service),
    ['mul', 'sum'],
  );
  assert.equal(Object.keys(w.memory.services).sort(), ['mul', 'proxy', 'sum']);
  const after = decide(
    { expected: [SUM, PROXY], observed: [c(), proxy], now: T0 + S, composeChangedAt: 0 },
    w.memory,
    t(),
  );
  assert.equal(Object.keys(after.memory.services).sort(), ['proxy', 'sum']);
});

test('decide does not mutate the memory it is given', () => {
  const w = new Watcher();
  w.check(T0, [c()]);
  const before = JSON.stringify(w.memory);
  decide(
    {
      expected: [SUM, PROXY],
      observed: [proxy, c({ status: 'restarting', restarts: 2 })],
      now: T0 + S,
      composeChangedAt: 0,
    },
    w.memory,
    t(),
  );
  assert.is(JSON.stringify(w.memory), before);
});

test('brokenServices names what is not serving and why', () => {
  const observed = [
    c({ service: 'a', status: 'restarting' }),
    c({ service: 'b', health: 'unhealthy' }),
    c({ service: 'c', failingStreak: 1 }),
    c({ service: 'd', health: 'none' }),
  ];
  const expected = ['a', 'b', 'c', 'd', 'e'].map((s) => ({ service: s, fn: s, role: 'function' as const }));
  assert.equal(brokenServices(expected, observed), [
    { service: 'a', why: 'restarting' },
    { service: 'b', why: 'unhealthy' },
    { service: 'c', why: 'failing probes (1)' },
    { service: 'e', why: 'missing' },
  ]);
  assert.equal(brokenServices(expected.slice(2, 4), observed, { earlyProbeFailures: false }), []);
});

test("a failed /ping of watch's own counts as unhealthy even while Docker still says healthy", () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }));
  const hung = c({ pingUrl: 'http://127.0.0.1:8100/ping', pingFailed: true });
  assert.equal(w.check(T0, [hung, proxy]).actions, []);
  const second = w.check(T0 + 5 * S, [hung, proxy]).actions;
  assert.is(second.length, 1);
  assert.is(second[0]!.kind, 'restart');
});

test.run();
