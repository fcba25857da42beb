// Counts and latencies of a set of requests, and what users read from them:
// requests, 4xx and 5xx apart, the 5xx rate, p50/p95/p99. Pure.
import { mergeHistogram, observe, quantile, type Histogram } from './histogram.ts';

export interface Counts {
  requests: number;
  /** 4xx answers: the caller's mistake (a bad path, a bad body). */
  clientErrors: number;
  /** 5xx answers: the function's (or the proxy's: 502 when no replica answers). */
  serverErrors: number;
}

export interface Stats extends Counts {
  latency: Histogram;
}

/** What `status`, the console and /metrics show for a function or a route. */
export interface MetricsSummary extends Counts {
  /** ms since epoch the counts start at: when the function's current containers were created. */
  since: number;
  /** Requests per second over the last minute (or since `since`, if that is shorter). */
  rps: number;
  /** serverErrors / requests (0 when there were none). */
  errorRate: number;
  /** Latency quantiles in ms (null without requests). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export const emptyCounts = (): Counts => ({ requests: 0, clientErrors: 0, serverErrors: 0 });
export const emptyStats = (): Stats => ({ ...emptyCounts(), latency: new Map() });

export function countStatus(c: Counts, status: number): void {
  c.requests += 1;
  if (status >= 500) c.serverErrors += 1;
  else if (status >= 400) c.clientErrors += 1;
}

export function addRequest(s: Stats, status: number, ms: number): void {
  countStatus(s, status);
  observe(s.latency, ms);
}

export function addCounts(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.clientErrors += from.clientErrors;
  into.serverErrors += from.serverErrors;
}

export function mergeStats(into: Stats, from: Stats): void {
  addCounts(into, from);
  mergeHistogram(into.latency, from.latency);
}

export function summarizeStats(s: Stats, since: number, rps: number): MetricsSummary {
  return {
    since,
    requests: s.requests,
    clientErrors: s.clientErrors,
    serverErrors: s.serverErrors,
    rps,
    errorRate: s.requests === 0 ? 0 : s.serverErrors / s.requests,
    p50: quantile(s.latency, 0.5),
    p95: quantile(s.latency, 0.95),
    p99: quantile(s.latency, 0.99),
  };
}
