// CPU used during a measurement: the whole host (/proc/stat) and single
// containers (their cgroup's CPU counter). On a 2-core box the load generator,
// Caddy and the function share the CPUs, so "the proxy keeps N % of direct
// throughput" is only meaningful next to how busy the machine was. Counters are
// read before and after the run: exact, unlike `docker stats` snapshots.
import fs from 'node:fs/promises';
import { run } from '../../src/exec/runner.ts';
import { containerIdArgv } from './argv.ts';

export interface CpuUse {
  /** Busy share of all host CPUs, 0..1. */
  hostBusy: number;
  /** Cores used by each watched container (1.0 = one core all the time); NaN if unreadable. */
  containers: Record<string, number>;
}

/** Busy and total jiffies from /proc/stat's first line (pure); iowait counts as idle. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no "cpu " line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** Busy fraction between two /proc/stat readings (pure). */
export function busyFraction(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : NaN;
}

/** Where a container's CPU counter lives: cgroup v1 (cgroupfs or systemd driver), then v2. */
export function cgroupCandidates(fullId: string): { file: string; unit: 'ns' | 'usec' }[] {
  return [
    { file: `/sys/fs/cgroup/cpuacct/docker/${fullId}/cpuacct.usage`, unit: 'ns' },
    { file: `/sys/fs/cgroup/cpu,cpuacct/docker/${fullId}/cpuacct.usage`, unit: 'ns' },
    { file: `/sys/fs/cgroup/cpuacct/system.slice/docker-${fullId}.scope/cpuacct.usage`, unit: 'ns' },
    { file: `/sys/fs/cgroup/system.slice/docker-${fullId}.scope/cpu.stat`, unit: 'usec' },
    { file: `/sys/fs/cgroup/docker/${fullId}/cpu.stat`, unit: 'usec' },
  ];
}

/** CPU seconds from a cgroup file's text (pure): cpuacct.usage (ns) or cpu.stat's usage_usec. */
export function parseCgroupCpu(text: string, unit: 'ns' | 'usec'): number {
  if (unit === 'ns') return Number(text.trim()) / 1e9;
  const m = /^usage_usec (\d+)$/m.exec(text);
  return m ? Number(m[1]) / 1e6 : NaN;
}

/** A function that reads a container's CPU seconds so far, or null when no cgroup file is readable. */
export async function containerCpuReader(id: string): Promise<(() => Promise<number>) | null> {
  const r = await run(containerIdArgv(id));
  if (r.exitCode !== 0) return null;
  const fullId = r.stdout.trim();
  for (const c of cgroupCandidates(fullId)) {
    const ok = await fs.readFile(c.file, 'utf8').then(
      (t) => Number.isFinite(parseCgroupCpu(t, c.unit)),
      () => false,
    );
    if (ok) return async () => parseCgroupCpu(await fs.readFile(c.file, 'utf8'), c.unit);
  }
  return null;
}

/** utime + stime in seconds from a /proc/PID/stat line (pure); the command name may hold spaces and ")". */
export function parsePidStat(text: string, ticksPerSecond = 100): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is stat's 3rd field (state): utime and stime are its 14th and 15th.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * Docker's own processes on the request path: dockerd (the json-file driver
 * writing every access-log line), containerd and the shims (copying containers'
 * stdout to it), docker-proxy (the userland hop of a port published on 127.0.0.1).
 */
export const ENGINE_PROCESSES: readonly string[] = ['containerd', 'containerd-shim', 'docker-proxy', 'dockerd'];

/** A reader of the CPU seconds Docker's own processes (running now) have used. */
export async function engineCpuReader(): Promise<() => Promise<number>> {
  const pids: string[] = [];
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = await fs.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (ENGINE_PROCESSES.includes(comm.trim())) pids.push(pid);
  }
  return async () => {
    const each = await Promise.all(
      pids.map((pid) => fs.readFile(`/proc/${pid}/stat`, 'utf8').then(parsePidStat, () => 0)),
    );
    return each.reduce((a, b) => a + b, 0);
  };
}

/** Runs `body` and reports the CPU the host and each named container used meanwhile. */
export async function measureCpu<T>(
  readers: Record<string, (() => Promise<number>) | null>,
  body: () => Promise<T>,
): Promise<{ value: T; cpu: CpuUse }> {
  const names = Object.keys(readers).sort();
  const read = async (): Promise<number[]> => Promise.all(names.map((n) => readers[n]?.().catch(() => NaN) ?? NaN));
  const host0 = parseProcStat(await fs.readFile('/proc/stat', 'utf8'));
  const c0 = await read();
  const t0 = performance.now();
  const value = await body();
  const seconds = (performance.now() - t0) / 1000;
  const c1 = await read();
  const host1 = parseProcStat(await fs.readFile('/proc/stat', 'utf8'));
  const containers: Record<string, number> = {};
  names.forEach((n, i) => (containers[n] = (c1[i]! - c0[i]!) / seconds));
  return { value, cpu: { hostBusy: busyFraction(host0, host1), containers } };
}
