// What `up` sees as changed, per function and replica, and the rows `up` and `status` print.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffStack } from '../../src/stack/diff.ts';
import { portsFingerprint, portsListenerFingerprint, proxyFingerprint } from '../../src/stack/render/fingerprint.ts';
import { formatDuration, functionRows, healthSummary, renderTable, rowHealthy } from '../../src/stack/table.ts';
import { plan, proxies, replica, svc } from './stack-fixtures.ts';

const kinds = (d: ReturnType<typeof diffStack>) => Object.fromEntries(d.functions.map((f) => [f.service.name, f.kind]));

test('no proxy running: a fresh start', () => {
  assert.ok(diffStack(plan([svc('sum')]), []).fresh);
});

test('per function: add, update (image, env), scale, same; removed functions; replicas sorted by number', () => {
  const sum = svc('sum', { replicas: 2 });
  const mul = svc('mul');
  const hello = svc('hello');
  const three = svc('three', { replicas: 3 });
  const next = plan([
    { ...sum, hash: 'bbbbbbbbbbbb', image: '127.0.0.1:5000/sum:bbbbbbbbbbbb' },
    { ...mul, env: { A: '1' } },
    svc('new'),
    three,
  ]);
  const observed = [
    ...proxies(next),
    replica(sum, 2),
    replica(sum, 1),
    replica(mul, 1),
    replica(hello, 1),
    replica(three, 1),
    replica(three, 2),
  ];
  const d = diffStack(next, observed);
  assert.not.ok(d.fresh);
  assert.equal(kinds(d), { mul: 'update', new: 'add', sum: 'update', three: 'scale' });
  assert.equal(
    d.functions.find((f) => f.service.name === 'sum')!.running.map((c) => c.number),
    [1, 2],
  );
  assert.equal(
    d.removed.map((r) => [r.fn, r.containers.map((c) => c.name)]),
    [['hello', ['faaso-hello-1']]],
  );
  assert.equal([d.proxyChanged, d.strays], [false, []]);
  assert.equal(kinds(diffStack(plan([sum]), [...proxies(plan([sum])), replica(sum, 1), replica(sum, 2)])), {
    sum: 'same',
  });
});

test('a mixed function (an update cut short) is an update; stopped replicas are stale, not running', () => {
  const sum = svc('sum', { replicas: 2 });
  const old = { ...sum, env: { OLD: '1' } };
  const d = diffStack(plan([sum]), [
    ...proxies(plan([sum])),
    replica(old, 1),
    replica(sum, 2),
    replica(sum, 3, { status: 'exited' }),
  ]);
  const f = d.functions[0]!;
  assert.is(f.kind, 'update');
  assert.equal([f.running.map((c) => c.number), f.stale.map((c) => c.number)], [[1, 2], [3]]);
  const gone = diffStack(plan([sum]), [...proxies(plan([sum])), replica(sum, 1, { status: 'exited' })]).functions[0]!;
  assert.equal([gone.kind, gone.running.length, gone.stale.length], ['add', 0, 1]);
  // A paused or restarting replica still holds its place.
  const paused = diffStack(plan([sum]), [
    ...proxies(plan([sum])),
    replica(sum, 1, { status: 'paused' }),
    replica(sum, 2, { status: 'restarting' }),
  ]);
  assert.is(paused.functions[0]!.kind, 'same');
});

test('the ports listener: missing, stopped, or another set of ports → recreated; replicas and images do not matter to it', () => {
  const sum = svc('sum');
  const p = plan([sum]);
  const [proxy, ports] = proxies(p);
  assert.not.ok(diffStack(p, [proxy!, ports!, replica(sum, 1)]).portsChanged);
  assert.ok(diffStack(p, [proxy!, replica(sum, 1)]).portsChanged);
  assert.ok(diffStack(p, [proxy!, { ...ports!, status: 'exited' }, replica(sum, 1)]).portsChanged);
  assert.ok(diffStack(plan([{ ...sum, port: 9999 }]), [proxy!, ports!, replica(sum, 1)]).portsChanged);
  assert.not.ok(
    diffStack(plan([{ ...sum, replicas: 4, image: 'x:1' }]), [proxy!, ports!, replica(sum, 1)]).portsChanged,
  );
});

test('the ports listener: its Caddyfile is not part of its label (a change is reloaded); a listener labelled before that is still the same container', () => {
  const sum = svc('sum');
  const p = plan([sum]);
  const [proxy, ports] = proxies(p);
  assert.is(portsListenerFingerprint(p), ports!.config);
  assert.not.equal(portsFingerprint(p), portsListenerFingerprint(p));
  // Labelled by an older faaso, with the Caddyfile in the hash: same config → nothing to do; any change → recreated.
  const legacy = { ...ports!, config: portsFingerprint(p) };
  assert.not.ok(diffStack(p, [proxy!, legacy, replica(sum, 1)]).portsChanged);
  assert.ok(diffStack(plan([{ ...sum, port: 9999 }]), [proxy!, legacy, replica(sum, 1)]).portsChanged);
});

test('proxy: a new port or limits recreate it; an unlabelled (older) proxy only when limits are set', () => {
  const sum = svc('sum');
  const base = plan([sum]);
  const [proxy, ports] = proxies(base);
  assert.ok(diffStack({ ...base, proxy: { ...base.proxy, port: 9090 } }, [proxy!, ports!]).proxyChanged);
  const more = { ...base, proxy: { ...base.proxy, limits: { memory: '256m', cpus: 2, pids: 256 } } };
  assert.ok(diffStack(more, [proxy!, ports!]).proxyChanged);
  assert.not.ok(diffStack(more, [{ ...proxy!, config: proxyFingerprint(more) }, ports!]).proxyChanged);
  assert.not.ok(diffStack(base, [{ ...proxy!, config: '' }, ports!]).proxyChanged);
  assert.ok(diffStack(more, [{ ...proxy!, config: '' }, ports!]).proxyChanged);
});

test("an older faaso's standby is a stray to remove", () => {
  const sum = svc('sum');
  const standby = replica(sum, 1, { id: 'standby00000', service: 'sum_standby', role: 'standby' });
  assert.equal(
    diffStack(plan([sum]), [...proxies(plan([sum])), replica(sum, 1), standby]).strays.map((c) => c.id),
    ['standby00000'],
  );
});

test('rows: replicas healthy of wanted, what the others do, youngest uptime, restarts summed, each replica for --json', () => {
  const sum = svc('sum', { replicas: 3 });
  const now = Date.parse('2026-11-25T20:01:05Z');
  const observed = [
    replica(sum, 1, { restarts: 2 }),
    replica(sum, 2, { health: 'starting', startedAt: Date.parse('2026-11-25T20:01:00Z') }),
    replica(sum, 3, { status: 'exited', health: 'unhealthy' }),
  ];
  const [row] = functionRows(plan([sum]), observed, now);
  assert.equal(
    { ...row!, replicas: row!.replicas.map((r) => `${r.name} ${r.state} ${r.health} ${r.uptime} ${r.ip}`) },
    {
      function: 'sum',
      routes: ['/sum'],
      url: 'http://127.0.0.1:8080/sum',
      direct: 'http://127.0.0.1:8103',
      image: '127.0.0.1:5000/sum:aaaaaaaaaaaa',
      wanted: 3,
      running: 2,
      healthy: 1,
      health: '1/3 healthy, 1 exited, 1 starting',
      state: 'exited,running',
      restarts: 2,
      uptime: '5s',
      replicas: [
        'faaso-sum-1 running healthy 1m5s 172.18.0.11',
        'faaso-sum-2 running starting 5s 172.18.0.12',
        'faaso-sum-3 exited unhealthy - 172.18.0.13',
      ],
    },
  );
  assert.not.ok(rowHealthy(row!));
  assert.ok(rowHealthy(functionRows(plan([svc('sum')]), [replica(svc('sum'), 1)], now)[0]!));
  assert.is(healthSummary(2, []), 'missing');
  assert.is(functionRows(plan([svc('x')]), [], now)[0]!.health, 'missing');
});

test('table: stable columns; durations', () => {
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
  assert.is(formatDuration(-1), '-');
});

test.run();
