// The Caddy side by side's figures (pure): per version, medians of throughput
// over HTTP and HTTPS and of reload times, and what failed reloads of a
// multi-site config left serving; one table and the summary's verdict on
// keeping forky's Caddy: no failed reload may break a fresh request (trixie's
// leaves part of the failed config running), and it must keep ≥ 95 % of
// trixie's capacity (CPU per request), by ratios of runs side by side.
import { formatMs, formatPercent, formatRatio, median, pairedRatios, ratio } from './stats.ts';
import { formatRps } from './proxy-report.ts';
import { formatSection } from './report.ts';
import type { VersionSettings } from './proxy-versions-plan.ts';
import type { Recovery, ReloadSample, VersionKey, VersionResults } from './proxy-versions-types.ts';

/** The capacity 2.11 must keep of 2.6.2's ("without costing throughput", with some noise). */
export const KEEP_THROUGHPUT = 0.95;

export interface VersionSummary {
  key: VersionKey;
  version: string;
  httpRps: number;
  httpsRps: number;
  /** Median CPU µs per request over HTTP and HTTPS. */
  cpuUs: { http: number; https: number };
  /** Median p50 and p99 latency of the throughput runs, ms. */
  latency: { http: [number, number]; https: [number, number] };
  errors: number;
  reloadMs: { http: number; https: number; cli: number };
  /** Failed reloads after which some fresh request was not answered by the old config. */
  broken: number;
  attempts: number;
  /** Of all fresh requests after failed reloads, the share not answered by the old config. */
  failedShare: number;
  /** "new" answers and errors by kind, most first. */
  how: string;
  recovered: Recovery | undefined;
}

const sumOf = (xs: readonly number[]): number => xs.reduce((n, x) => n + x, 0);

export function summarize(r: VersionResults, key: VersionKey): VersionSummary {
  const tput = (scheme: 'http' | 'https') =>
    median(r.throughput.filter((t) => t.key === key && t.scheme === scheme).map((t) => t.result.rps));
  const runs = (scheme: 'http' | 'https') => r.throughput.filter((t) => t.key === key && t.scheme === scheme);
  const lat = (scheme: 'http' | 'https'): [number, number] => [
    median(runs(scheme).map((t) => t.result.p50Ms)),
    median(runs(scheme).map((t) => t.result.p99Ms)),
  ];
  const cpu = (scheme: 'http' | 'https') =>
    median(r.throughput.filter((t) => t.key === key && t.scheme === scheme).map((t) => t.cpuUsPerRequest));
  const reload = (config: ReloadSample['config']) =>
    median(r.reloads.filter((x) => x.key === key && x.config === config).map((x) => x.ms));
  const failed = r.failed.filter((f) => f.key === key);
  const kinds = new Map<string, number>();
  const add = (kind: string, n: number): void => void (n > 0 && kinds.set(kind, (kinds.get(kind) ?? 0) + n));
  for (const f of failed) {
    add('served by the failed config', f.failedConfig);
    add('reload not refused', f.refused ? 0 : 1);
    for (const [kind, n] of Object.entries(f.errorKinds)) add(kind, n);
  }
  const how = [...kinds].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`);
  return {
    key,
    version: r.versions.find((v) => v.key === key)?.version ?? '?',
    httpRps: tput('http'),
    httpsRps: tput('https'),
    cpuUs: { http: cpu('http'), https: cpu('https') },
    latency: { http: lat('http'), https: lat('https') },
    errors: sumOf(r.throughput.filter((t) => t.key === key).map((t) => t.result.errors)),
    reloadMs: { http: reload('http'), https: reload('https'), cli: reload('cli') },
    broken: failed.filter((f) => f.failedConfig + f.errors > 0 || !f.refused).length,
    attempts: failed.length,
    failedShare: ratio(sumOf(failed.map((f) => f.failedConfig + f.errors)), sumOf(failed.map((f) => f.probes))),
    how: how.length > 0 ? how.join(', ') : 'none',
    recovered: r.recovered.find((x) => x.key === key),
  };
}

/**
 * faaso's image against trixie's, per round (the two ran side by side), then
 * the median: drift between rounds cancels. rps: requests/s (faaso/trixie,
 * above 1 is faster); cpu: trixie's CPU per request over faaso's (above 1 is
 * cheaper), which a host busy with other work does not skew.
 */
export function pairedRatio(r: VersionResults, scheme: 'http' | 'https', what: 'rps' | 'cpu' = 'rps'): number {
  const of = (key: VersionKey, round: number): number => {
    const t = r.throughput.find((x) => x.key === key && x.scheme === scheme && x.round === round);
    return t === undefined ? NaN : what === 'rps' ? t.result.rps : t.cpuUsPerRequest;
  };
  const rounds = [...new Set(r.throughput.filter((t) => t.scheme === scheme).map((t) => t.round))].sort(
    (a, b) => a - b,
  );
  const faaso = rounds.map((round) => of('faaso', round));
  const trixie = rounds.map((round) => of('trixie', round));
  return (what === 'rps' ? pairedRatios(faaso, trixie) : pairedRatios(trixie, faaso)).median;
}

const formatUs = (us: number): string => (Number.isFinite(us) ? `${us.toFixed(0)} µs` : '?');

const formatLatency = ([p50, p99]: [number, number]): string => `${p50.toFixed(1)}/${p99.toFixed(0)} ms`;

const afterGood = (x: Recovery | undefined): string =>
  x === undefined ? '?' : !x.ok ? 'REFUSED' : `${x.errors}/${x.probes} failed`;

export function versionRows(r: VersionResults): string[][] {
  return (['trixie', 'faaso'] as const).map((key) => {
    const s = summarize(r, key);
    return [
      `${s.version} (${key === 'faaso' ? "faaso's image, forky" : 'trixie, bench-only'})`,
      formatRps(s.httpRps),
      formatRps(s.httpsRps),
      formatUs(s.cpuUs.http),
      formatUs(s.cpuUs.https),
      formatLatency(s.latency.http),
      formatLatency(s.latency.https),
      String(s.errors),
      formatMs(s.reloadMs.cli),
      formatMs(s.reloadMs.http),
      formatMs(s.reloadMs.https),
      `${s.broken}/${s.attempts}`,
      formatPercent(s.failedShare),
      s.how,
      afterGood(s.recovered),
    ];
  });
}

const VERSION_HEADER = [
  'CADDY',
  'HTTP RPS',
  'HTTPS RPS',
  'CPU/REQ HTTP',
  'CPU/REQ HTTPS',
  'P50/P99 HTTP',
  'P50/P99 HTTPS',
  'ERRORS',
  'CLI START',
  'RELOAD 1 SITE',
  'RELOAD HTTPS (2 SITES)',
  'FAILED RELOADS THAT BROKE SOMETHING',
  'FRESH REQUESTS FAILED',
  'HOW',
  'AFTER A GOOD RELOAD',
];

/** The titled table the bench prints. */
export function versionSection(r: VersionResults, s: VersionSettings): string {
  const how = `throughput ${s.connections} connections to the fastest route's /ping, median of ${s.rounds} × ${s.durationSec} s; reloads median of ${s.reloads}, timed inside the container; ${s.failedReloads} failed reloads each, ${s.probes} fresh HTTP + HTTPS requests after each and after a good reload`;
  return formatSection(
    `Caddy side by side: trixie's vs faaso's image, same Caddyfiles, 1 CPU each (${how})`,
    VERSION_HEADER,
    versionRows(r),
  );
}

/**
 * The summary's part: forky's against trixie's, and whether keeping it is right
 * by the two targets. Throughput is judged by CPU per request: each proxy has
 * 1 CPU, so what it can carry is that CPU over its cost per request, while the
 * requests/s of one run also measure how much CPU the host's other work left.
 */
export function versionSummaryLine(r: VersionResults): string {
  const old = summarize(r, 'trixie');
  const cur = summarize(r, 'faaso');
  const rps = { http: pairedRatio(r, 'http'), https: pairedRatio(r, 'https') };
  const cpu = { http: pairedRatio(r, 'http', 'cpu'), https: pairedRatio(r, 'https', 'cpu') };
  const fixed = cur.broken === 0 && cur.attempts > 0 && cur.recovered?.ok === true && cur.recovered.errors === 0;
  const fast = cpu.http >= KEEP_THROUGHPUT && cpu.https >= KEEP_THROUGHPUT;
  const verdict =
    fixed && fast
      ? `keep ${cur.version}: met`
      : `keep ${cur.version}: MISSED (${[fixed ? '' : 'a failed reload broke fresh requests', fast ? '' : `capacity below ${formatPercent(KEEP_THROUGHPUT)} of ${old.version}'s (CPU per request)`].filter(Boolean).join('; ')})`;
  return (
    `Caddy ${cur.version} vs ${old.version}: capacity by CPU per request ${formatRatio(cpu.http)} (HTTP) ${formatRatio(cpu.https)} (HTTPS), ` +
    `req/s ${formatRatio(rps.http)} (HTTP) ${formatRatio(rps.https)} (HTTPS), ` +
    `reload ${formatMs(cur.reloadMs.https)} vs ${formatMs(old.reloadMs.https)} (2 sites), ` +
    `failed multi-site reloads that broke fresh requests ${cur.broken}/${cur.attempts} vs ${old.broken}/${old.attempts} ` +
    `(after a good reload: ${afterGood(cur.recovered)} vs ${afterGood(old.recovered)}); ${verdict}`
  );
}
