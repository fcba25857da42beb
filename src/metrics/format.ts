// How metrics read in a table cell (`status`, the console). Pure.
import type { MetricsSummary } from './stats.ts';

/** Requests per second: "0", "0.05", "2.3", "1250". */
export function formatRps(rps: number): string {
  if (rps === 0) return '0';
  if (rps < 0.1) return rps.toFixed(2);
  return rps < 100 ? String(Number(rps.toFixed(1))) : String(Math.round(rps));
}

/** A latency: "0.42ms", "3.1ms", "250ms", "1.2s"; "-" when unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

/** A share: "0%", "0.4%", "12%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct === 0) return '0%';
  return pct < 10 ? `${Number(pct.toFixed(1))}%` : `${Math.round(pct)}%`;
}

export const METRIC_HEADERS = ['RPS', '5XX', 'P50', 'P99'] as const;

/** The cells of METRIC_HEADERS; dashes when nothing is counted (metrics off, function not running). */
export function metricCells(m: MetricsSummary | undefined): string[] {
  if (!m) return ['-', '-', '-', '-'];
  return [formatRps(m.rps), formatShare(m.errorRate), formatMs(m.p50), formatMs(m.p99)];
}
