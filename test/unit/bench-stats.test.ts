// The benches' shared statistics: percentiles by nearest rank, ratios that never
// print a made-up number, and the units every table uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatMB,
  formatMs,
  formatPercent,
  formatRatio,
  mean,
  median,
  pairedRatios,
  percentile,
  ratio,
  timed,
} from '../../bench/lib/stats.ts';

test('percentile: nearest rank on unsorted samples, clamped p, NaN when empty', () => {
  const s = [5, 1, 4, 2, 3];
  assert.is(percentile(s, 50), 3);
  assert.is(percentile(s, 0), 1);
  assert.is(percentile(s, 100), 5);
  assert.is(percentile(s, 99), 5);
  assert.is(percentile(s, 20), 1);
  assert.is(percentile(s, 21), 2);
  assert.is(percentile(s, 150), 5);
  assert.is(percentile(s, -3), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  // the input is not reordered: callers keep their samples in run order
  assert.equal(s, [5, 1, 4, 2, 3]);
});

test('median of an even count is the lower middle (nearest rank), mean is the average', () => {
  assert.is(median([4, 1, 3, 2]), 2);
  assert.is(median([7]), 7);
  assert.is(mean([1, 2, 3, 6]), 3);
  assert.ok(Number.isNaN(mean([])));
});

test('ratio: NaN instead of Infinity or a ratio to nothing', () => {
  assert.is(ratio(80, 100), 0.8);
  assert.ok(Number.isNaN(ratio(1, 0)));
  assert.ok(Number.isNaN(ratio(NaN, 10)));
  assert.ok(Number.isNaN(ratio(1, NaN)));
});

test('pairedRatios: round by round, drift cancels; rounds without a figure are left out', () => {
  // The machine slowed down in round 2 for both sides: the ratio stays.
  assert.equal(pairedRatios([99, 45, 100], [110, 50, 100]), { median: 0.9, min: 0.9, max: 1 });
  assert.equal(pairedRatios([100, NaN, 90], [100, 50, 0]), { median: 1, min: 1, max: 1 });
  assert.equal(pairedRatios([], []), { median: NaN, min: NaN, max: NaN });
});

test('formatting: precision follows size, and a missing figure prints as "-"', () => {
  assert.is(formatRatio(1.234), '1.23×');
  assert.is(formatRatio(NaN), '-');
  assert.is(formatMs(0.4124), '0.412 ms');
  assert.is(formatMs(12.34), '12.3 ms');
  assert.is(formatMs(1840), '1.84 s');
  assert.is(formatMs(Infinity), '-');
  assert.is(formatMB(81_600_000), '81.6 MB');
  assert.is(formatMB(NaN), '-');
  assert.is(formatPercent(0.834), '83 %');
  assert.is(formatPercent(NaN), '-');
});

test('timed returns the value and a non-negative duration', async () => {
  const r = await timed(async () => 42);
  assert.is(r.value, 42);
  assert.ok(r.ms >= 0);
});

test.run();
