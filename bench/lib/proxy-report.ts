// The proxy bench's figures (pure): medians over rounds, the proxy's cost per
// function against direct, the issue's targets, table rows and the summary line.
import { formatMs, formatPercent, median } from './stats.ts';
import type { CpuUse } from './cpu.ts';
import type { WrkResult } from './wrk.ts';
import type { Mode, Probe } from './proxy-plan.ts';

/** Issue 4: the proxy costs < 0.5 ms at p50 and keeps ≥ 80 % of direct throughput. */
export const TARGETS = { addedP50Ms: 0.5, throughputRatio: 0.8 } as const;
/** Above this host CPU share, throughput is limited by the CPUs, not by the proxy's config. */
export const CPU_BOUND = 0.9;
/** Host CPU share busy with other work (before any bench traffic) above which figures are called noisy. */
export const BUSY_HOST = 0.25;

export interface Sample {
  fn: string;
  probe: Probe;
  mode: Mode;
  round: number;
  result: WrkResult;
  cpu?: CpuUse;
}

export interface Aggregate {
  p50Ms: number;
  p99Ms: number;
  rps: number;
  errors: number;
  runs: number;
  hostBusy: number;
  proxyCores: number;
  functionCores: number;
}

/** Medians over rounds of one (function, probe, mode); errors are summed. */
export function aggregate(samples: readonly Sample[], fn: string, probe: Probe, mode: Mode): Aggregate {
  const s = samples.filter((x) => x.fn === fn && x.probe === probe && x.mode === mode);
  const cpu = (pick: (c: CpuUse) => number | undefined): number =>
    median(s.flatMap((x) => (x.cpu ? [pick(x.cpu) ?? NaN] : [])).filter(Number.isFinite));
  return {
    p50Ms: median(s.map((x) => x.result.p50Ms)),
    p99Ms: median(s.map((x) => x.result.p99Ms)),
    rps: median(s.map((x) => x.result.rps)),
    errors: s.reduce((a, x) => a + x.result.errors, 0),
    runs: s.length,
    hostBusy: cpu((c) => c.hostBusy),
    proxyCores: cpu((c) => c.containers.proxy),
    functionCores: cpu((c) => c.containers.function),
  };
}

export interface Verdict {
  fn: string;
  label: string;
  addedP50Ms: number;
  addedP99Ms: number;
  throughputRatio: number;
  latencyMet: boolean;
  throughputMet: boolean;
  errors: number;
  /** Host CPU share during the proxied throughput runs. */
  proxiedHostBusy: number;
  proxyCores: number;
}

export function verdict(samples: readonly Sample[], fn: string, label: string): Verdict {
  const a = (probe: Probe, mode: Mode): Aggregate => aggregate(samples, fn, probe, mode);
  const addedP50Ms = a('ping-latency', 'proxy').p50Ms - a('ping-latency', 'direct').p50Ms;
  const through = a('ping-throughput', 'proxy');
  const throughputRatio = through.rps / a('ping-throughput', 'direct').rps;
  return {
    fn,
    label,
    addedP50Ms,
    addedP99Ms: a('ping-latency', 'proxy').p99Ms - a('ping-latency', 'direct').p99Ms,
    throughputRatio,
    latencyMet: addedP50Ms < TARGETS.addedP50Ms,
    throughputMet: throughputRatio >= TARGETS.throughputRatio,
    errors: samples.filter((x) => x.fn === fn).reduce((n, x) => n + x.result.errors, 0),
    proxiedHostBusy: through.hostBusy,
    proxyCores: through.proxyCores,
  };
}

export const signedMs = (ms: number): string => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : ''}${formatMs(ms)}` : '-');
export const formatRps = (rps: number): string => (Number.isFinite(rps) ? String(Math.round(rps)) : '-');
export const formatCores = (c: number): string => (Number.isFinite(c) ? c.toFixed(2) : '-');
const metCell = (met: boolean, ok: boolean): string => (ok ? (met ? 'met' : 'MISSED') : '-');

export function latencyRows(samples: readonly Sample[], verdicts: readonly Verdict[]): string[][] {
  return verdicts.map((v) => {
    const d = aggregate(samples, v.fn, 'ping-latency', 'direct');
    const p = aggregate(samples, v.fn, 'ping-latency', 'proxy');
    return [
      v.label,
      formatMs(d.p50Ms),
      formatMs(p.p50Ms),
      signedMs(v.addedP50Ms),
      formatMs(d.p99Ms),
      formatMs(p.p99Ms),
      signedMs(v.addedP99Ms),
      metCell(v.latencyMet, Number.isFinite(v.addedP50Ms)),
    ];
  });
}

export function throughputRows(samples: readonly Sample[], verdicts: readonly Verdict[]): string[][] {
  return verdicts.map((v) => {
    const d = aggregate(samples, v.fn, 'ping-throughput', 'direct');
    const p = aggregate(samples, v.fn, 'ping-throughput', 'proxy');
    return [
      v.label,
      formatRps(d.rps),
      formatRps(p.rps),
      formatPercent(v.throughputRatio),
      formatMs(d.p50Ms),
      formatMs(p.p50Ms),
      `${formatPercent(d.hostBusy)} / ${formatPercent(p.hostBusy)}`,
      formatCores(p.proxyCores),
      `${formatCores(d.functionCores)} / ${formatCores(p.functionCores)}`,
      `${d.errors} / ${p.errors}`,
      metCell(v.throughputMet, Number.isFinite(v.throughputRatio)),
    ];
  });
}

export function handlerRows(
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  paths: Record<string, string>,
): string[][] {
  return verdicts.map((v) => {
    const a = (probe: Probe, mode: Mode): Aggregate => aggregate(samples, v.fn, probe, mode);
    const dl = a('handler-latency', 'direct'),
      pl = a('handler-latency', 'proxy');
    const dt = a('handler-throughput', 'direct'),
      pt = a('handler-throughput', 'proxy');
    return [
      v.label,
      `GET ${paths[v.fn] ?? '?'}`,
      formatMs(dl.p50Ms),
      formatMs(pl.p50Ms),
      signedMs(pl.p50Ms - dl.p50Ms),
      formatRps(dt.rps),
      formatRps(pt.rps),
      formatPercent(pt.rps / dt.rps),
      `${dl.errors + dt.errors} / ${pl.errors + pt.errors}`,
    ];
  });
}

const list = (vs: readonly Verdict[], f: (v: Verdict) => string): string => vs.map((v) => `${f(v)} ${v.fn}`).join(', ');

/** The one `summary:` line: every function's figures, each target met or missed by how much, and why. */
export function summaryLine(
  verdicts: readonly Verdict[],
  cpus: number,
  background: Record<string, number> = {},
): string {
  const slow = verdicts.filter((v) => !v.latencyMet);
  const low = verdicts.filter((v) => !v.throughputMet);
  const lat =
    slow.length === 0 ? 'met' : `missed: ${list(slow, (v) => `by ${formatMs(v.addedP50Ms - TARGETS.addedP50Ms)}`)}`;
  const thr =
    low.length === 0
      ? 'met'
      : `missed: ${list(low, (v) => `by ${Math.round((TARGETS.throughputRatio - v.throughputRatio) * 100)} points`)}`;
  const parts = [
    `proxy adds p50 ${list(verdicts, (v) => signedMs(v.addedP50Ms))} (target < ${TARGETS.addedP50Ms} ms: ${lat})`,
    `keeps ${list(verdicts, (v) => formatPercent(v.throughputRatio))} of direct throughput (target ≥ ${formatPercent(TARGETS.throughputRatio)}: ${thr})`,
  ];
  const bound = low.filter((v) => v.proxiedHostBusy >= CPU_BOUND);
  if (bound.length > 0) {
    const why = bound
      .map((v) => `${v.fn}: host ${formatPercent(v.proxiedHostBusy)} busy, Caddy ${formatCores(v.proxyCores)} cores`)
      .join(', ');
    parts.push(`throughput is CPU-bound (${cpus} cores shared by wrk, Caddy and the function; ${why})`);
  }
  const other = Math.max(...Object.values(background).filter(Number.isFinite), -1);
  if (other >= BUSY_HOST)
    parts.push(
      `other work kept the host ${formatPercent(other)} busy before the runs: figures are noisy, rerun on a quiet machine`,
    );
  const errors = verdicts.reduce((n, v) => n + v.errors, 0);
  parts.push(errors === 0 ? 'no failed requests' : `${errors} failed requests`);
  return `summary: ${parts.join('; ')}`;
}
