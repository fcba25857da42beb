// CPU accounting for the benches: host busy share from /proc/stat and a
// container's CPU seconds from its cgroup (v1 nanoseconds or v2 microseconds).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  busyFraction,
  cgroupCandidates,
  ENGINE_PROCESSES,
  parseCgroupCpu,
  parsePidStat,
  parseProcStat,
} from '../../bench/lib/cpu.ts';

const STAT_A = 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\nintr 1\n';
const STAT_B = 'cpu  250 0 100 850 50 0 0 0 0 0\ncpu0 1 1 1 1 1 0 0 0 0 0\n';

test('parseProcStat: the aggregate line; idle and iowait count as not busy', () => {
  assert.equal(parseProcStat(STAT_A), { busy: 150, total: 1000 });
  assert.throws(() => parseProcStat('intr 1\n'), /no "cpu " line/);
});

test('busyFraction: busy share between two readings, NaN without elapsed time', () => {
  // 200 busy of 250 elapsed jiffies
  assert.is(busyFraction(parseProcStat(STAT_A), parseProcStat(STAT_B)), 0.8);
  assert.ok(Number.isNaN(busyFraction(parseProcStat(STAT_A), parseProcStat(STAT_A))));
});

test('parseCgroupCpu: cpuacct.usage in ns, cpu.stat usage_usec in µs, both as seconds', () => {
  assert.is(parseCgroupCpu('2500000000\n', 'ns'), 2.5);
  assert.is(parseCgroupCpu('usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n', 'usec'), 1.5);
  assert.ok(Number.isNaN(parseCgroupCpu('user_usec 1\n', 'usec')));
});

test('cgroup candidates cover v1 (cgroupfs, systemd) and v2 for the full container id', () => {
  const files = cgroupCandidates('abc').map((c) => c.file);
  assert.ok(files.includes('/sys/fs/cgroup/cpuacct/docker/abc/cpuacct.usage'));
  assert.ok(files.includes('/sys/fs/cgroup/system.slice/docker-abc.scope/cpu.stat'));
  assert.ok(files.every((f) => f.includes('abc')));
});

test('parsePidStat: utime + stime in seconds, even when the command name holds spaces and parens', () => {
  const rest = 'S 1 29532 29532 0 -1 4194560 1 0 0 0 250 130 0 0 20 0 30 0 100 0 0';
  assert.is(parsePidStat(`29532 (dockerd) ${rest}`), 3.8);
  assert.is(parsePidStat(`7 (a (b) c) ${rest}`, 1000), 0.38);
  assert.ok(ENGINE_PROCESSES.includes('docker-proxy') && ENGINE_PROCESSES.includes('dockerd'));
});

test.run();
