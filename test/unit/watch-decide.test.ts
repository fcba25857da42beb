import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  backoffMs,
  brokenReplicas,
  brokenSummary,
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
import { formatEvent } from '../../src/watch/format.ts';

const test = suite('watch-decide');

const T0 = Date.parse('2026-11-25T20:00:00Z');
const S = 1000;
const SUM: ExpectedService = { service: 'sum', fn: 'sum', role: 'function', replicas: 1 };
const PROXY: ExpectedService = { service: 'proxy', fn: '', role: 'proxy', replicas: 1 };
const t = (over: Partial<WatchThresholds> = {}): WatchThresholds => ({ ...DEFAULT_THRESHOLDS, settleMs: 0, ...over });

function c(over: Partial<ContainerObservation> = {}): ContainerObservation {
  const service = over.service ?? 'sum';
  const number = over.number ?? 1;
  const proxies = service === 'proxy' || service === 'ports';
  return {
    id: number === 1 ? `id-${service}` : `id-${service}-${number}`,
    name: `faaso-${service}-${number}`,
    service,
    number,
    role: proxies ? service : 'function',
    fn: proxies ? '' : service,
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
    ip: '',
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
      {
        expected: this.expected,
        observed: [proxy, ...observed],
        now,
        composeChangedAt: 0,
        upInProgress: null,
        ...over,
      },
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
  assert.is(w.memory.replicas.sum!.restartCount, 7);
  assert.equal(w.check(T0 + 5 * S, [c({ restarts: 7 })]).events, []);
});

test('missing → compose create; dead → removed and recreated; exited → docker start with the exit code; created → start', () => {
  assert.equal(new Watcher().check(T0, []).actions, [{ kind: 'create', service: 'sum', reason: 'missing' }]);
  assert.equal(new Watcher().check(T0, [c({ status: 'dead', exitCode: 1 })]).actions, [
    { kind: 'replace', service: 'sum', container: 'id-sum', reason: 'dead' },
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

test('the proxy and the ports listener are kept alive like a function', () => {
  const PORTS: ExpectedService = { service: 'ports', fn: '', role: 'ports', replicas: 1 };
  const w = new Watcher();
  const d = decide(
    { expected: [SUM, PROXY, PORTS], observed: [c()], now: T0, composeChangedAt: 0, upInProgress: null },
    w.memory,
    t(),
  );
  assert.equal(d.actions, [
    { kind: 'create', service: 'ports', reason: 'missing' },
    { kind: 'create', service: 'proxy', reason: 'missing' },
  ]);
  const w2 = new Watcher(t({ unhealthyChecks: 1 }), [SUM, PROXY, PORTS]);
  assert.equal(w2.check(T0, [c(), c({ service: 'ports', health: 'unhealthy' })]).actions, [
    { kind: 'restart', service: 'ports', container: 'id-ports', unpause: false, reason: 'unhealthy' },
  ]);
  assert.equal(w2.check(T0 + S, [c(), c({ service: 'ports', status: 'exited' })]).actions, [
    { kind: 'start', service: 'ports', container: 'id-ports', reason: 'stopped (exit code 0)' },
  ]);
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
  assert.is(w.memory.replicas.sum!.failingChecks, 0);
});

test('a healthy check (or another container) in between starts the count again', () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }));
  const sick = c({ health: 'unhealthy' });
  w.check(T0, [sick]);
  w.check(T0 + 1 * S, [c()]);
  assert.equal(w.check(T0 + 2 * S, [sick]).actions, []);
  w.check(T0 + 3 * S, [c({ id: 'other', health: 'unhealthy' })]);
  assert.is(w.memory.replicas.sum!.failingChecks, 1);
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
  assert.is(w.memory.replicas.sum!.until, T0 + 32 * S);
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
  assert.is(w.memory.replicas.sum!.level, 1);
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
  assert.is(w.memory.replicas.sum!.level, 1);
  const back = w.check(T0 + 10 * S, [c({ restarts: 3 })]);
  assert.equal(back.events, [{ service: 'sum', kind: 'recovered', message: 'healthy again' }]);
  assert.equal(w.memory.replicas.sum!, {
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
  });
  // Acting again right away (no backoff left), and a new loop gets the first period again.
  assert.is(w.check(T0 + 11 * S, [c({ status: 'exited', restarts: 3 })]).actions[0]!.kind, 'start');
  // Our start at 11 s and Docker's two restarts make three: the first period again.
  for (let i = 1; i <= 2; i++) w.check(T0 + (20 + i) * S, [c({ status: 'restarting', restarts: i })]);
  assert.is(w.memory.replicas.sum!.level, 1);
  assert.is(w.memory.replicas.sum!.until, T0 + 52 * S);
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
      upInProgress: null,
    },
    w.memory,
    t(),
  );
  assert.equal(down.actions, []);
  assert.equal(kinds(down), ['stack-down']);
  const still = decide(
    { expected: [SUM, PROXY], observed: [], now: T0 + 2 * S, composeChangedAt: 0, upInProgress: null },
    down.memory,
    t(),
  );
  assert.equal([still.actions, still.events], [[], []]);
  const up = decide(
    { expected: [SUM, PROXY], observed: [c(), proxy], now: T0 + 3 * S, composeChangedAt: 0, upInProgress: null },
    still.memory,
    t(),
  );
  assert.equal(kinds(up), ['stack-up']);
  assert.is(up.memory.stackDown, false);
});

test('a compose file written moments ago (up at work): no action until it settled', () => {
  const w = new Watcher(t({ settleMs: 10 * S }));
  assert.equal(w.check(T0, [], { composeChangedAt: T0 - 3 * S }).actions, []);
  assert.is(w.check(T0 + 8 * S, [], { composeChangedAt: T0 - 3 * S }).actions[0]!.kind, 'create');
});

test('several services: sorted, each on its own; services no longer in the file are forgotten', () => {
  const mul: ExpectedService = { service: 'mul', fn: 'mul', role: 'function', replicas: 1 };
  const w = new Watcher(t(), [SUM, mul, PROXY]);
  const d = w.check(T0, [c({ service: 'sum', status: 'exited' }), c({ service: 'mul', status: 'exited' })]);
  assert.equal(
    d.actions.map((a) => a.service),
    ['mul', 'sum'],
  );
  assert.equal(Object.keys(w.memory.replicas).sort(), ['mul', 'proxy', 'sum']);
  const after = decide(
    { expected: [SUM, PROXY], observed: [c(), proxy], now: T0 + S, composeChangedAt: 0, upInProgress: null },
    w.memory,
    t(),
  );
  assert.equal(Object.keys(after.memory.replicas).sort(), ['proxy', 'sum']);
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
      upInProgress: null,
    },
    w.memory,
    t(),
  );
  assert.is(JSON.stringify(w.memory), before);
});

test('brokenReplicas names what is not serving and why', () => {
  const observed = [
    c({ service: 'a', status: 'restarting' }),
    c({ service: 'b', health: 'unhealthy' }),
    c({ service: 'c', failingStreak: 1 }),
    c({ service: 'd', health: 'none' }),
  ];
  const expected = ['a', 'b', 'c', 'd', 'e'].map((s) => ({
    service: s,
    fn: s,
    role: 'function' as const,
    replicas: 1,
  }));
  const broken = brokenReplicas(expected, observed);
  assert.equal(
    broken.map((b) => [b.ref, b.why]),
    [
      [{ service: 'a' }, 'restarting'],
      [{ service: 'b' }, 'unhealthy'],
      [{ service: 'c' }, 'failing probes (1)'],
      [{ service: 'e' }, 'missing'],
    ],
  );
  assert.is(broken[0]!.container, observed[0]);
  assert.is(brokenSummary(broken), 'not healthy: a (restarting), b (unhealthy), c (failing probes (1)), e (missing)');
  assert.equal(brokenReplicas(expected.slice(2, 4), observed, { earlyProbeFailures: false }), []);
});

test("a failed /ping of watch's own counts as unhealthy even while Docker still says healthy", () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }));
  const hung = c({ pingUrl: 'http://127.0.0.1:8100/ping', pingFailed: true });
  assert.equal(w.check(T0, [hung, proxy]).actions, []);
  const second = w.check(T0 + 5 * S, [hung, proxy]).actions;
  assert.is(second.length, 1);
  assert.is(second[0]!.kind, 'restart');
});

// Replicas: a service that wants several is watched replica by replica.
const TRIO: ExpectedService = { service: 'trio', fn: 'trio', role: 'function', replicas: 3 };
const trio = (number: number, over: Partial<ContainerObservation> = {}): ContainerObservation =>
  c({ service: 'trio', number, id: `id-trio-${number}`, ...over });
const trioOk = (): ContainerObservation[] => [trio(1), trio(2), trio(3)];
/** What a replica's memory is once it has been seen serving, never in trouble. */
const calm = (containerId: string) => ({
  containerId,
  restartCount: 0,
  failingChecks: 0,
  restarts: [],
  attempts: 0,
  level: 0,
  until: 0,
  dockerSinceLoop: 0,
  oursSinceLoop: 0,
  problem: false,
});

test('one of 3 replicas hung: only it is restarted (by its container), its siblings untouched', () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }), [TRIO, PROXY]);
  assert.equal(w.check(T0, trioOk()).events, []);
  const hung = [trio(1), trio(2, { pingUrl: 'http://172.18.0.5:3000/ping', pingFailed: true }), trio(3)];
  const d1 = w.check(T0 + S, hung);
  assert.equal(d1.actions, []);
  assert.equal(d1.events, [{ service: 'trio', replica: 2, kind: 'failing', message: 'unhealthy (check 1 of 2)' }]);
  const d2 = w.check(T0 + 2 * S, hung);
  assert.equal(d2.actions, [
    {
      service: 'trio',
      replica: 2,
      kind: 'restart',
      container: 'id-trio-2',
      unpause: false,
      reason: 'unhealthy 2 checks in a row',
    },
  ]);
  assert.equal(d2.events, []);
  assert.equal(w.memory.replicas['trio#1'], calm(trio(1).id));
  assert.equal(w.memory.replicas['trio#3'], calm(trio(3).id));
  w.check(T0 + 3 * S, [trio(1), trio(2, { health: 'starting' }), trio(3)]);
  assert.equal(w.check(T0 + 4 * S, trioOk()).events, [
    { service: 'trio', replica: 2, kind: 'recovered', message: 'healthy again' },
  ]);
});

test('labels: the service when it wants one replica (no replica field), SERVICE-N when it wants several', () => {
  const w = new Watcher(t({ unhealthyChecks: 2 }), [SUM, TRIO, PROXY]);
  const sick = { health: 'unhealthy' };
  const [one, many] = w.check(T0, [c(sick), trio(1), trio(2, sick), trio(3)]).events;
  assert.equal(one, { service: 'sum', kind: 'failing', message: 'unhealthy (check 1 of 2)' });
  assert.is(formatEvent({ at: T0, ...one! }, 'faaso', false), '2026-11-25T20:00:00Z sum: unhealthy (check 1 of 2)');
  assert.is(formatEvent({ at: T0, ...many! }, 'faaso', false), '2026-11-25T20:00:00Z trio-2: unhealthy (check 1 of 2)');
  assert.equal(JSON.parse(formatEvent({ at: T0, ...one! }, 'faaso', true)), {
    time: '2026-11-25T20:00:00Z',
    project: 'faaso',
    service: 'sum',
    event: 'failing',
    message: 'unhealthy (check 1 of 2)',
  });
  assert.equal(JSON.parse(formatEvent({ at: T0, ...many! }, 'faaso', true)), {
    time: '2026-11-25T20:00:00Z',
    project: 'faaso',
    service: 'trio-2',
    replica: 2,
    event: 'failing',
    message: 'unhealthy (check 1 of 2)',
  });
  // Memory keys never collide: replica 2 of trio is not a service named trio-2.
  const other: ExpectedService = { service: 'trio-2', fn: 'trio-2', role: 'function', replicas: 1 };
  const both = new Watcher(t(), [TRIO, other, PROXY]);
  both.check(T0, [...trioOk(), c({ service: 'trio-2' })]);
  assert.equal(Object.keys(both.memory.replicas).sort(), ['proxy', 'trio', 'trio#1', 'trio#2', 'trio#3', 'trio-2']);
});

test('2 of 3 replicas missing: one create for the service, saying how many; all back and healthy: said once', () => {
  const w = new Watcher(t(), [TRIO, PROXY]);
  const d = w.check(T0, [trio(1)]);
  assert.equal(d.actions, [{ service: 'trio', kind: 'create', reason: '2 of 3 replicas missing' }]);
  assert.equal(d.events, []);
  // Compose numbers new containers after the highest it has: 4 and 5.
  const starting = [trio(1), trio(4, { health: 'starting' }), trio(5, { health: 'starting' })];
  assert.equal(w.check(T0 + S, starting).actions, []);
  const back = w.check(T0 + 2 * S, [trio(1), trio(4), trio(5)]);
  assert.equal(
    [back.actions, back.events],
    [[], [{ service: 'trio', kind: 'recovered', message: 'all 3 replicas healthy again' }]],
  );
  assert.equal(w.check(T0 + 3 * S, [trio(1), trio(4), trio(5)]).events, []);
  assert.equal(Object.keys(w.memory.replicas).sort(), ['proxy', 'trio', 'trio#1', 'trio#4', 'trio#5']);
  // None at all (the rest of the stack up): still one create.
  assert.equal(new Watcher(t(), [TRIO, PROXY]).check(T0, []).actions, [
    { service: 'trio', kind: 'create', reason: '3 of 3 replicas missing' },
  ]);
});

test('a missing replica and a stopped one: the stopped one started, the missing one created', () => {
  const d = new Watcher(t(), [TRIO, PROXY]).check(T0, [trio(1), trio(3, { status: 'exited', exitCode: 143 })]);
  assert.equal(d.actions, [
    { service: 'trio', replica: 3, kind: 'start', container: 'id-trio-3', reason: 'stopped (exit code 143)' },
    { service: 'trio', kind: 'create', reason: '1 of 3 replicas missing' },
  ]);
});

test('extra containers beyond `replicas` are left alone: the up ones are watched, by number', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }), [TRIO, PROXY]);
  const d = w.check(T0, [trio(1, { status: 'exited' }), trio(2), trio(3), trio(4), trio(5, { status: 'dead' })]);
  assert.equal([d.actions, d.events], [[], []]);
  assert.equal(Object.keys(w.memory.replicas).sort(), ['proxy', 'trio', 'trio#2', 'trio#3', 'trio#4']);
});

test('a dead replica is removed and replaced; the replacement (a new number) is watched from scratch', () => {
  const w = new Watcher(t(), [TRIO, PROXY]);
  w.check(T0, trioOk());
  const d = w.check(T0 + S, [trio(1), trio(2, { status: 'dead', exitCode: 137 }), trio(3)]);
  assert.equal(d.actions, [{ service: 'trio', replica: 2, kind: 'replace', container: 'id-trio-2', reason: 'dead' }]);
  const after = w.check(T0 + 2 * S, [trio(1), trio(3), trio(4, { health: 'starting' })]);
  assert.equal([after.actions, after.events], [[], []]);
  assert.equal(Object.keys(w.memory.replicas).sort(), ['proxy', 'trio', 'trio#1', 'trio#3', 'trio#4']);
  assert.equal(w.check(T0 + 3 * S, [trio(1), trio(3), trio(4)]).events, []);
});

test('a crash-looping replica is backed off on its own; its siblings keep serving and are still healed', () => {
  const w = new Watcher(t(), [TRIO, PROXY]);
  w.check(T0, trioOk());
  const looping = (restarts: number, status = 'restarting') =>
    trio(3, { status, restarts, exitCode: 1, health: 'unhealthy' });
  let d: Decision | undefined;
  for (let i = 1; i <= 3; i++) d = w.check(T0 + i * S, [trio(1), trio(2), looping(i)]);
  assert.equal(d!.actions, []);
  assert.equal(d!.events, [
    {
      service: 'trio',
      replica: 3,
      kind: 'crash-looping',
      message: 'crash-looping: 3 restarts in the last 1min, exit code 1 → leaving it alone for 30s',
    },
  ]);
  assert.equal([w.memory.replicas['trio#1'], w.memory.replicas['trio#2']], [calm(trio(1).id), calm(trio(2).id)]);
  // During its period it is left alone even when stopped; a sibling that stops meanwhile is started.
  const d2 = w.check(T0 + 10 * S, [trio(1, { status: 'exited' }), trio(2), looping(3, 'exited')]);
  assert.equal(d2.actions, [
    { service: 'trio', replica: 1, kind: 'start', container: 'id-trio-1', reason: 'stopped (exit code 0)' },
  ]);
  for (let i = 11; i < 33; i++) {
    const r = w.check(T0 + i * S, [trio(1), trio(2), looping(3, 'exited')]);
    assert.equal(
      r.actions.filter((a) => a.replica === 3),
      [],
      `at ${i}s`,
    );
  }
  assert.is(w.memory.replicas['trio#3']!.level, 1);
  assert.is(w.memory.replicas['trio#1']!.level, 0);
});

test('`up` at work (its lock held): no action at all, said once; finished: said once, then business as usual', () => {
  const w = new Watcher(t({ unhealthyChecks: 1 }));
  const up = { upInProgress: { pid: 4242 } };
  const d1 = w.check(T0, [], up);
  assert.equal(d1.actions, []);
  assert.equal(d1.events, [
    { service: null, kind: 'up-in-progress', message: '`up` (pid 4242) is applying changes: holding off' },
  ]);
  for (const observed of [[c({ status: 'exited' })], [c({ health: 'unhealthy' })], [c({ status: 'dead' })]]) {
    const d = w.check(T0 + S, observed, up);
    assert.equal([d.actions, d.events], [[], []]);
  }
  // A stack that looks down while `up` works is not called down: `up` is (re)creating it.
  const empty = decide(
    { expected: [SUM, PROXY], observed: [], now: T0 + 2 * S, composeChangedAt: 0, upInProgress: { pid: 4242 } },
    w.memory,
    t(),
  );
  assert.equal([empty.actions, empty.events], [[], []]);
  const done = w.check(T0 + 3 * S, []);
  assert.equal(done.events, [{ service: null, kind: 'up-finished', message: '`up` finished: watching' }]);
  assert.equal(done.actions, [{ kind: 'create', service: 'sum', reason: 'missing' }]);
  assert.equal(kinds(w.check(T0 + 4 * S, [c()])), ['recovered']);
  // The next `up` is announced again, with its own pid.
  assert.equal(w.check(T0 + 5 * S, [c()], { upInProgress: { pid: 4243 } }).events, [
    { service: null, kind: 'up-in-progress', message: '`up` (pid 4243) is applying changes: holding off' },
  ]);
});

test('--once: every broken replica named, with why', () => {
  const sum3: ExpectedService = { ...SUM, replicas: 3 };
  const mul: ExpectedService = { service: 'mul', fn: 'mul', role: 'function', replicas: 1 };
  const observed = [c({ number: 1 }), c({ number: 2, health: 'unhealthy' }), proxy];
  const broken = brokenReplicas([sum3, mul, PROXY], observed);
  assert.equal(
    broken.map((b) => b.ref),
    [{ service: 'sum', replica: 2 }, { service: 'sum' }, { service: 'mul' }],
  );
  assert.is(brokenSummary(broken), 'not healthy: sum-2 (unhealthy), sum (1 of 3 missing), mul (missing)');
  // Every replica there and serving: nothing, the service's own slot included.
  assert.equal(brokenReplicas([sum3, PROXY], [c({ number: 1 }), c({ number: 2 }), c({ number: 3 }), proxy]), []);
});

test.run();
