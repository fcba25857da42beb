// The proxy bench's figures (pure): medians over rounds, the proxy's cost per
// function against direct and against the HAProxy reference, the issues'
// targets, table rows and the summary line.
import { formatMs, formatPercent, median } from './stats.ts';
import type { CpuUse } from './cpu.ts';
import type { WrkResult } from './wrk.ts';
import type { Mode, Probe } from './proxy-plan.ts';

/**
 * Issue 13: the proxy adds ≤ 0.3 ms at p50 and spends ≤ 150 µs of CPU per
 * request, and a handler doing ~1 ms of CPU keeps ≥ 90 % of direct throughput;
 * issue 4: /ping keeps ≥ 80 % of direct throughput.
 */
export const TARGETS = { addedP50Ms: 0.3, throughputRatio: 0.8, cpuUs: 150, burnRatio: 0.9 } as const;
/** The bench function whose handler does ~1 ms of CPU (proxy-plan.ts BURN). */
export const BURN_FN = 'burn';
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
  /** CPU of the mode's proxy per request, µs (NaN for direct). */
  hopUs: number;
  /** CPU of Docker's own processes per request, µs (access-log lines, the userland port proxy). */
  engineUs: number;
  /** CPU of the function per request, µs. */
  functionUs: number;
}

/** The container whose CPU is the mode's proxy hop: Caddy through its port is still Caddy. */
const HOP: Record<Mode, string> = { direct: '-', proxy: 'proxy', reference: 'reference', published: 'proxy' };

/** Medians over rounds of one (function, probe, mode); errors are summed. */
export function aggregate(samples: readonly Sample[], fn: string, probe: Probe, mode: Mode): Aggregate {
  const s = samples.filter((x) => x.fn === fn && x.probe === probe && x.mode === mode);
  const cpu = (pick: (c: CpuUse) => number | undefined): number =>
    median(s.flatMap((x) => (x.cpu ? [pick(x.cpu) ?? NaN] : [])).filter(Number.isFinite));
  const perRequest = (key: string): number =>
    median(s.map((x) => ((x.cpu?.containers[key] ?? NaN) / x.result.rps) * 1e6).filter(Number.isFinite));
  return {
    p50Ms: median(s.map((x) => x.result.p50Ms)),
    p99Ms: median(s.map((x) => x.result.p99Ms)),
    rps: median(s.map((x) => x.result.rps)),
    errors: s.reduce((a, x) => a + x.result.errors, 0),
    runs: s.length,
    hostBusy: cpu((c) => c.hostBusy),
    proxyCores: cpu((c) => c.containers[HOP[mode]]),
    functionCores: cpu((c) => c.containers.function),
    hopUs: perRequest(HOP[mode]),
    engineUs: perRequest('engine'),
    functionUs: perRequest('function'),
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
  /** Caddy's CPU per proxied /ping, µs, and whether it is within the target. */
  cpuUs: number;
  cpuMet: boolean;
  /** The same through the HAProxy reference, and through Caddy's published port. */
  reference: { addedP50Ms: number; throughputRatio: number; cpuUs: number };
  published: { addedP50Ms: number; throughputRatio: number };
  /** Docker's CPU per request through Caddy at its address, and through its published port. */
  engineUs: { proxy: number; published: number };
  /** The handler's throughput through Caddy against direct. */
  handlerRatio: number;
  errors: number;
  /** Host CPU share during the proxied throughput runs. */
  proxiedHostBusy: number;
  proxyCores: number;
}

export function verdict(samples: readonly Sample[], fn: string, label: string): Verdict {
  const a = (probe: Probe, mode: Mode): Aggregate => aggregate(samples, fn, probe, mode);
  const added = (mode: Mode): number => a('ping-latency', mode).p50Ms - a('ping-latency', 'direct').p50Ms;
  const kept = (probe: Probe, mode: Mode): number => a(probe, mode).rps / a(probe, 'direct').rps;
  const addedP50Ms = added('proxy');
  const through = a('ping-throughput', 'proxy');
  const throughputRatio = kept('ping-throughput', 'proxy');
  return {
    fn,
    label,
    addedP50Ms,
    addedP99Ms: a('ping-latency', 'proxy').p99Ms - a('ping-latency', 'direct').p99Ms,
    throughputRatio,
    latencyMet: addedP50Ms <= TARGETS.addedP50Ms,
    throughputMet: throughputRatio >= TARGETS.throughputRatio,
    cpuUs: through.hopUs,
    cpuMet: through.hopUs <= TARGETS.cpuUs,
    reference: {
      addedP50Ms: added('reference'),
      throughputRatio: kept('ping-throughput', 'reference'),
      cpuUs: a('ping-throughput', 'reference').hopUs,
    },
    published: { addedP50Ms: added('published'), throughputRatio: kept('ping-throughput', 'published') },
    engineUs: { proxy: through.engineUs, published: a('ping-throughput', 'published').engineUs },
    handlerRatio: kept('handler-throughput', 'proxy'),
    errors: samples.filter((x) => x.fn === fn).reduce((n, x) => n + x.result.errors, 0),
    proxiedHostBusy: through.hostBusy,
    proxyCores: through.proxyCores,
  };
}

export const signedMs = (ms: number): string => (Number.isFinite(ms) ? `${ms >= 0 ? '+' : ''}${formatMs(ms)}` : '-');
export const formatRps = (rps: number): string => (Number.isFinite(rps) ? String(Math.round(rps)) : '-');
export const formatCores = (c: number): string => (Number.isFinite(c) ? c.toFixed(2) : '-');
export const formatUs = (us: number): string => (Number.isFinite(us) ? `${Math.round(us)} µs` : '-');
const metCell = (met: boolean, ok: boolean): string => (ok ? (met ? 'met' : 'MISSED') : '-');
const each = <T>(f: (m: Mode) => T): T[] => (['direct', 'proxy', 'reference', 'published'] as const).map(f);
/** "0.275 ms (+0.209)": a figure and what it adds to direct. */
const withAdded = (ms: number, added: number): string =>
  Number.isFinite(ms) ? `${formatMs(ms)} (${signedMs(added).replace(' ms', '')})` : '-';
const withKept = (rps: number, kept: number): string =>
  Number.isFinite(rps) ? `${formatRps(rps)} (${formatPercent(kept)})` : '-';

export function latencyRows(samples: readonly Sample[], verdicts: readonly Verdict[]): string[][] {
  return verdicts.map((v) => {
    const [d, p, r, pub] = each((m) => aggregate(samples, v.fn, 'ping-latency', m));
    return [
      v.label,
      formatMs(d!.p50Ms),
      withAdded(p!.p50Ms, v.addedP50Ms),
      withAdded(r!.p50Ms, v.reference.addedP50Ms),
      withAdded(pub!.p50Ms, v.published.addedP50Ms),
      formatMs(d!.p99Ms),
      withAdded(p!.p99Ms, v.addedP99Ms),
      metCell(v.latencyMet, Number.isFinite(v.addedP50Ms)),
    ];
  });
}

export function throughputRows(samples: readonly Sample[], verdicts: readonly Verdict[]): string[][] {
  return verdicts.map((v) => {
    const all = each((m) => aggregate(samples, v.fn, 'ping-throughput', m));
    const [d, p, r, pub] = all;
    return [
      v.label,
      formatRps(d!.rps),
      withKept(p!.rps, v.throughputRatio),
      withKept(r!.rps, v.reference.throughputRatio),
      withKept(pub!.rps, v.published.throughputRatio),
      all.map((x) => formatPercent(x.hostBusy)).join(' / '),
      formatUs(v.cpuUs),
      formatUs(v.reference.cpuUs),
      `${formatUs(v.engineUs.proxy)} / ${formatUs(v.engineUs.published)}`,
      all.map((x) => x.errors).join(' / '),
      metCell(v.throughputMet, Number.isFinite(v.throughputRatio)),
      metCell(v.cpuMet, Number.isFinite(v.cpuUs)),
    ];
  });
}

export function handlerRows(
  samples: readonly Sample[],
  verdicts: readonly Verdict[],
  paths: Record<string, string>,
): string[][] {
  return verdicts.map((v) => {
    const [dl, pl] = each((m) => aggregate(samples, v.fn, 'handler-latency', m));
    const [dt, pt, rt] = each((m) => aggregate(samples, v.fn, 'handler-throughput', m));
    const errors = each(
      (m) =>
        aggregate(samples, v.fn, 'handler-latency', m).errors +
        aggregate(samples, v.fn, 'handler-throughput', m).errors,
    )
      .slice(0, 3) // handlers are not measured through the published port
      .join(' / ');
    return [
      v.label,
      `GET ${paths[v.fn] ?? '?'}`,
      formatUs(dt!.functionUs),
      formatMs(dl!.p50Ms),
      formatMs(pl!.p50Ms),
      signedMs(pl!.p50Ms - dl!.p50Ms),
      formatRps(dt!.rps),
      formatRps(pt!.rps),
      formatPercent(v.handlerRatio),
      formatPercent(rt!.rps / dt!.rps),
      errors,
      v.fn === BURN_FN ? metCell(v.handlerRatio >= TARGETS.burnRatio, Number.isFinite(v.handlerRatio)) : '',
    ];
  });
}

const list = (vs: readonly Verdict[], f: (v: Verdict) => string): string => vs.map((v) => `${f(v)} ${v.fn}`).join(', ');
const outcome = (missed: readonly Verdict[], by: (v: Verdict) => string): string =>
  missed.length === 0 ? 'met' : `missed: ${list(missed, by)}`;

/** The one `summary:` line: every function's figures, each target met or missed by how much, and why. */
export function summaryLine(
  verdicts: readonly Verdict[],
  cpus: number,
  background: Record<string, number> = {},
): string {
  const slow = verdicts.filter((v) => !v.latencyMet);
  const low = verdicts.filter((v) => !v.throughputMet);
  const costly = verdicts.filter((v) => !v.cpuMet);
  const points = (r: number, target: number): string => {
    const n = Math.round((target - r) * 100);
    return `by ${n} point${n === 1 ? '' : 's'}`;
  };
  const parts = [
    `proxy adds p50 ${list(verdicts, (v) => signedMs(v.addedP50Ms))} (target ≤ ${TARGETS.addedP50Ms} ms: ${outcome(slow, (v) => `by ${formatMs(v.addedP50Ms - TARGETS.addedP50Ms)}`)}; HAProxy adds ${list(verdicts, (v) => signedMs(v.reference.addedP50Ms))}; Caddy through its published port ${list(verdicts, (v) => signedMs(v.published.addedP50Ms))})`,
    `keeps ${list(verdicts, (v) => formatPercent(v.throughputRatio))} of direct throughput (target ≥ ${formatPercent(TARGETS.throughputRatio)}: ${outcome(low, (v) => points(v.throughputRatio, TARGETS.throughputRatio))}; HAProxy keeps ${list(verdicts, (v) => formatPercent(v.reference.throughputRatio))})`,
    `Caddy CPU per request ${list(verdicts, (v) => formatUs(v.cpuUs))} (target ≤ ${TARGETS.cpuUs} µs: ${outcome(costly, (v) => `by ${formatUs(v.cpuUs - TARGETS.cpuUs)}`)}; HAProxy ${list(verdicts, (v) => formatUs(v.reference.cpuUs))})`,
  ];
  const burn = verdicts.find((v) => v.fn === BURN_FN);
  if (burn) {
    const met = burn.handlerRatio >= TARGETS.burnRatio;
    parts.push(
      `a ~1 ms handler keeps ${formatPercent(burn.handlerRatio)} of direct throughput through Caddy (target ≥ ${formatPercent(TARGETS.burnRatio)}: ${met ? 'met' : `missed ${points(burn.handlerRatio, TARGETS.burnRatio)}`})`,
    );
  }
  const bound = low.filter((v) => v.proxiedHostBusy >= CPU_BOUND);
  if (bound.length > 0) {
    const why = bound
      .map((v) => `${v.fn}: host ${formatPercent(v.proxiedHostBusy)} busy, Caddy ${formatCores(v.proxyCores)} cores`)
      .join(', ');
    parts.push(`throughput is CPU-bound (${cpus} cores shared by wrk, the proxy and the function; ${why})`);
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
