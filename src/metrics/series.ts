// The metrics of a running stack, built one access-log record at a time: per
// route, everything since its function's containers were created (a redeploy
// starts the counts again; a crash restart does not, so its errors stay
// visible), and per second for the last 10 minutes (requests per second over
// the last minute, the console's charts). Pure; the console feeds it from a
// follow of the proxy's log, `status` from one read of it.
import { routeOrder } from '../stack/render/caddyfile.ts';
import type { Route } from '../stack/types.ts';
import type { AccessRecord } from './access-log.ts';
import {
  addCounts,
  addRequest,
  countStatus,
  emptyCounts,
  emptyStats,
  mergeStats,
  summarizeStats,
  type Counts,
  type MetricsSummary,
  type Stats,
} from './stats.ts';

/** Seconds of per-second counts kept: the console's chart spans them. */
export const WINDOW_SECONDS = 600;
/** Requests per second are averaged over this many seconds. */
export const RATE_SECONDS = 60;

interface RouteSeries {
  route: string;
  fn: string;
  total: Stats;
  /** Second (epoch) → counts, the last WINDOW_SECONDS. */
  seconds: Map<number, Counts>;
}

export interface MetricsState {
  /** Longest first: a request belongs to the route Caddy picked for it. */
  routes: Route[];
  /** Per function: ms since epoch its counts start at; absent: not running, nothing counted. */
  since: Map<string, number>;
  series: Map<string, RouteSeries>;
  /** Newest second seen, for pruning. */
  newest: number;
}

export interface FunctionMetrics extends MetricsSummary {
  function: string;
  routes: Record<string, MetricsSummary>;
}

export function newMetrics(routes: readonly Route[], since: ReadonlyMap<string, number>): MetricsState {
  const series = new Map<string, RouteSeries>();
  for (const r of routes)
    series.set(r.path, { route: r.path, fn: r.function, total: emptyStats(), seconds: new Map() });
  return { routes: [...routes].sort(routeOrder), since: new Map(since), series, newest: 0 };
}

/** The route Caddy serves a path from: the longest prefix, ignoring case, on a segment boundary. */
export function routeFor(routes: readonly Route[], path: string): Route | undefined {
  let p = path;
  try {
    p = decodeURIComponent(path);
  } catch {
    // Caddy answers a malformed escape itself; count it under the raw path.
  }
  const lower = p.toLowerCase();
  return routes.find((r) => {
    const key = r.path.toLowerCase();
    return key === '/' || lower === key || lower.startsWith(`${key}/`);
  });
}

/** Counts one request; requests from before its function's containers were created are not counted. */
export function recordRequest(m: MetricsState, r: AccessRecord): void {
  const route = routeFor(m.routes, r.path);
  if (!route) return;
  const since = m.since.get(route.function);
  const s = m.series.get(route.path);
  if (since === undefined || r.at < since || !s) return;
  addRequest(s.total, r.status, r.ms);
  const sec = Math.floor(r.at / 1000);
  let c = s.seconds.get(sec);
  if (!c) s.seconds.set(sec, (c = emptyCounts()));
  countStatus(c, r.status);
  if (sec > m.newest) {
    m.newest = sec;
    // Once per new second: seconds that left the window are dropped.
    for (const x of m.series.values())
      for (const old of x.seconds.keys()) if (old <= sec - WINDOW_SECONDS) x.seconds.delete(old);
  }
}

/** A function redeployed: its counts start again at `since` (the caller feeds it what the log holds from then). */
export function resetFunction(m: MetricsState, fn: string, since: number | undefined): void {
  if (since === undefined) m.since.delete(fn);
  else m.since.set(fn, since);
  for (const s of m.series.values()) {
    if (s.fn !== fn) continue;
    s.total = emptyStats();
    s.seconds.clear();
  }
}

function rate(s: RouteSeries[], since: number, now: number): number {
  const nowSec = Math.floor(now / 1000);
  let n = 0;
  for (const x of s)
    for (const [sec, c] of x.seconds) if (sec > nowSec - RATE_SECONDS && sec <= nowSec) n += c.requests;
  const span = Math.min(RATE_SECONDS, Math.max(1, (now - since) / 1000));
  return n / span;
}

/** Per function (its routes merged) and per route, functions by name. */
export function summarizeMetrics(m: MetricsState, now: number): FunctionMetrics[] {
  const fns = [...new Set(m.routes.map((r) => r.function))].sort();
  const out: FunctionMetrics[] = [];
  for (const fn of fns) {
    const since = m.since.get(fn);
    if (since === undefined) continue;
    const mine = [...m.series.values()].filter((s) => s.fn === fn).sort((a, b) => (a.route < b.route ? -1 : 1));
    const total = emptyStats();
    for (const s of mine) mergeStats(total, s.total);
    const routes: Record<string, MetricsSummary> = {};
    for (const s of mine) routes[s.route] = summarizeStats(s.total, since, rate([s], since, now));
    out.push({ function: fn, ...summarizeStats(total, since, rate(mine, since, now)), routes });
  }
  return out;
}

/** One point of a chart: requests and 5xx in [at, at + step). */
export interface SeriesPoint {
  at: number;
  requests: number;
  serverErrors: number;
}

/** A function's requests per `stepSeconds` over the last WINDOW_SECONDS, oldest first, gaps as zeros. */
export function functionSeries(m: MetricsState, fn: string, now: number, stepSeconds = 10): SeriesPoint[] {
  const nowSec = Math.floor(now / 1000);
  const first = nowSec - WINDOW_SECONDS + 1;
  const steps = Math.ceil(WINDOW_SECONDS / stepSeconds);
  const points = Array.from({ length: steps }, (_, i) => ({
    at: (first + i * stepSeconds) * 1000,
    ...emptyCounts(),
  }));
  for (const s of m.series.values()) {
    if (s.fn !== fn) continue;
    for (const [sec, c] of s.seconds) {
      const i = Math.floor((sec - first) / stepSeconds);
      if (i >= 0 && i < steps) addCounts(points[i]!, c);
    }
  }
  return points.map(({ at, requests, serverErrors }) => ({ at, requests, serverErrors }));
}
