// Pure parts of the soak suite: the duration knob, docker stats and /proc
// parsing, the proxy memory bound, and when a Docker restart may be attempted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_SOAK_SECONDS,
  PROXY_GROWTH_BOUND_BYTES,
  memoryVerdict,
  parseMemUsage,
  parseProcStat,
  soakSeconds,
} from '../soak/measure.ts';
import { planDockerdRestart } from '../soak/dockerd.ts';

const test = suite('soak-measure');

test('soakSeconds: default, a given value, and loud errors for nonsense', () => {
  assert.is(soakSeconds({}), DEFAULT_SOAK_SECONDS);
  assert.is(soakSeconds({ FAASO_SOAK_SECONDS: ' 20 ' }), 20);
  for (const bad of ['abc', '2.5', '0', '4', '-10', '100000']) {
    assert.throws(() => soakSeconds({ FAASO_SOAK_SECONDS: bad }), /FAASO_SOAK_SECONDS/);
  }
});

test('parseMemUsage: binary and decimal units, the limit ignored', () => {
  assert.is(parseMemUsage('13.6MiB / 256MiB'), Math.round(13.6 * 1024 * 1024));
  assert.is(parseMemUsage('18.69MiB / 23.54GiB'), Math.round(18.69 * 1024 * 1024));
  assert.is(parseMemUsage('512KiB / 1GiB'), 512 * 1024);
  assert.is(parseMemUsage('1.5GiB / 2GiB'), 1.5 * 1024 ** 3);
  assert.is(parseMemUsage('900kB / 1GB'), 900_000);
  assert.is(parseMemUsage('0B / 0B'), 0);
  assert.throws(() => parseMemUsage('--'), /cannot parse/);
  assert.throws(() => parseMemUsage('12XB / 1GiB'), /cannot parse/);
});

test('parseProcStat: pid and ppid, even when the command name holds spaces and ")"', () => {
  assert.equal(parseProcStat('4242 (python3) S 4200 4242 4242 0 -1 4194560'), { pid: 4242, ppid: 4200 });
  assert.equal(parseProcStat('77 (my (odd) name) R 1 77 77 0'), { pid: 77, ppid: 1 });
  assert.is(parseProcStat(''), null);
  assert.is(parseProcStat('garbage'), null);
});

test('memoryVerdict: growth within the 50 MB bound passes, beyond fails, shrinking passes', () => {
  assert.is(PROXY_GROWTH_BOUND_BYTES, 50e6);
  assert.ok(memoryVerdict(14e6, 30e6).ok);
  assert.ok(memoryVerdict(14e6, 64e6).ok);
  const leak = memoryVerdict(14e6, 64.1e6);
  assert.not.ok(leak.ok);
  assert.match(leak.text, /14\.0 MB → 64\.1 MB \(growth 50\.1 MB, bound 50\.0 MB\)/);
  assert.ok(memoryVerdict(30e6, 20e6).ok);
});

test('planDockerdRestart: systemd first, a bare background dockerd, refusals otherwise', () => {
  assert.equal(planDockerdRestart({ systemdActive: true, pid: 12, argv: ['/usr/bin/dockerd', '-H', 'fd://'] }), {
    kind: 'systemd',
  });
  assert.equal(planDockerdRestart({ systemdActive: false, pid: 2929, argv: ['/usr/sbin/dockerd'] }), {
    kind: 'background',
    pid: 2929,
  });
  const cases: [Parameters<typeof planDockerdRestart>[0], RegExp][] = [
    [{ systemdActive: false, pid: null, argv: [] }, /no running dockerd/],
    [{ systemdActive: false, pid: 5, argv: ['/usr/bin/containerd'] }, /not dockerd/],
    [
      { systemdActive: false, pid: 5, argv: ['/usr/sbin/dockerd', '--data-root', '/srv/docker'] },
      /runs with arguments \(--data-root \/srv\/docker\)/,
    ],
  ];
  for (const [facts, why] of cases) {
    const plan = planDockerdRestart(facts);
    assert.is(plan.kind, 'refuse');
    assert.match((plan as { why: string }).why, why);
  }
});

test.run();
