// Pure statistics for the benches: percentiles, medians, ratios and the way
// numbers are printed, so every bench reports the same way.

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * sorted.length);
  return sorted[Math.max(rank - 1, 0)]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? NaN : samples.reduce((a, b) => a + b, 0) / samples.length;
}

/** value / baseline; NaN when the baseline is zero or missing. */
export function ratio(value: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(value) ? value / baseline : NaN;
}

/**
 * Round-by-round ratios of two series measured side by side (value_i / baseline_i),
 * so drift between rounds cancels; the median and the spread of those ratios.
 */
export function pairedRatios(
  values: readonly number[],
  baseline: readonly number[],
): { median: number; min: number; max: number } {
  const each = values.map((v, i) => ratio(v, baseline[i] ?? NaN)).filter(Number.isFinite);
  return each.length === 0
    ? { median: NaN, min: NaN, max: NaN }
    : { median: median(each), min: Math.min(...each), max: Math.max(...each) };
}

/** "1.23×"; "-" for NaN, so a missing figure never prints as a number. */
export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '-';
}

/** Milliseconds with a precision that fits their size: 0.412 ms, 12.3 ms, 1.84 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** Bytes as MB (10^6, as `docker images` prints them) with one decimal. */
export function formatMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '-';
}

export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)} %` : '-';
}

/** Runs `fn` and returns its result with the elapsed wall time in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}
