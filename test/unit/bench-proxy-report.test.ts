// The proxy bench's verdicts: medians over rounds, the proxy's added latency and
// kept throughput against issue 4's targets, rows, and the one summary line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  aggregate,
  handlerRows,
  latencyRows,
  summaryLine,
  throughputRows,
  verdict,
  type Sample,
} from '../../bench/lib/proxy-report.ts';
import type { Mode, Probe } from '../../bench/lib/proxy-plan.ts';
import type { WrkResult } from '../../bench/lib/wrk.ts';

function wrk(p50Ms: number, rps: number, errors = 0): WrkResult {
  const errorDetail = { connect: 0, read: 0, write: 0, status: errors, timeout: 0 };
  return {
    requests: rps * 3,
    durationSec: 3,
    rps,
    p50Ms,
    p90Ms: p50Ms * 2,
    p99Ms: p50Ms * 4,
    meanMs: p50Ms,
    maxMs: p50Ms * 10,
    errors,
    errorDetail,
  };
}

const sample = (
  fn: string,
  probe: Probe,
  mode: Mode,
  round: number,
  p50: number,
  rps: number,
  hostBusy = 0.5,
  errors = 0,
): Sample => ({
  fn,
  probe,
  mode,
  round,
  result: wrk(p50, rps, errors),
  cpu: { hostBusy, containers: { proxy: mode === 'proxy' ? 0.8 : 0, function: 0.4 } },
});

/** Three rounds per function; the proxy adds `addMs` at p50 and keeps `keep` of the rps. */
function samples(fn: string, addMs: number, keep: number, hostBusy = 0.5): Sample[] {
  const out: Sample[] = [];
  for (const round of [0, 1, 2]) {
    const noise = round === 1 ? 5 : 1; // one outlier round: medians must ignore it
    for (const probe of ['ping-latency', 'ping-throughput', 'handler-latency', 'handler-throughput'] as const) {
      out.push(sample(fn, probe, 'direct', round, 0.2 * noise, 10000 / noise, hostBusy));
      out.push(sample(fn, probe, 'proxy', round, 0.2 * noise + addMs, (10000 / noise) * keep, hostBusy));
    }
  }
  return out;
}

test('aggregate: medians over rounds (the outlier round is ignored), errors summed', () => {
  const s = [...samples('sum', 0.3, 0.9), sample('sum', 'ping-latency', 'proxy', 3, 0.5, 1, 0.5, 7)];
  const a = aggregate(s, 'sum', 'ping-latency', 'direct');
  assert.is(a.p50Ms, 0.2);
  assert.is(a.rps, 10000);
  assert.is(a.runs, 3);
  assert.is(aggregate(s, 'sum', 'ping-latency', 'proxy').errors, 7);
  assert.is(aggregate(s, 'sum', 'ping-throughput', 'proxy').proxyCores, 0.8);
});

test('verdict: added p50 and kept throughput against < 0.5 ms and ≥ 80 %', () => {
  const ok = verdict(samples('sum', 0.3, 0.9), 'sum', 'sum (python)');
  assert.ok(Math.abs(ok.addedP50Ms - 0.3) < 1e-9);
  assert.ok(Math.abs(ok.throughputRatio - 0.9) < 1e-9);
  assert.ok(ok.latencyMet && ok.throughputMet);
  const bad = verdict(samples('hello', 0.7, 0.5), 'hello', 'hello (crystal)');
  assert.not.ok(bad.latencyMet);
  assert.not.ok(bad.throughputMet);
  // exactly 80 % meets the target
  assert.ok(verdict(samples('x', 0.1, 0.8), 'x', 'x').throughputMet);
});

test('rows: one per function, with signed added latency, ratios and target cells', () => {
  const s = [...samples('sum', 0.3, 0.9), ...samples('hello', 0.7, 0.5)];
  const v = [verdict(s, 'sum', 'sum (python)'), verdict(s, 'hello', 'hello (crystal)')];
  const lat = latencyRows(s, v);
  assert.equal(lat[0], [
    'sum (python)',
    '0.200 ms',
    '0.500 ms',
    '+0.300 ms',
    '0.800 ms',
    '2.000 ms',
    '+1.200 ms',
    'met',
  ]);
  assert.is(lat[1]![7], 'MISSED');
  const thr = throughputRows(s, v);
  assert.equal(thr[0]!.slice(0, 4), ['sum (python)', '10000', '9000', '90 %']);
  assert.is(thr[1]![10], 'MISSED');
  const h = handlerRows(s, v, { sum: '/?a=1&b=2', hello: '/?name=Ada' });
  assert.equal(h[0]!.slice(0, 2), ['sum (python)', 'GET /?a=1&b=2']);
  assert.is(h[1]![7], '50 %');
});

test('summary: every function, each target met or missed by how much', () => {
  const s = [...samples('sum', 0.3, 0.9), ...samples('hello', 0.7, 0.5)];
  const line = summaryLine([verdict(s, 'sum', 'sum'), verdict(s, 'hello', 'hello')], 2);
  assert.match(
    line,
    /^summary: proxy adds p50 \+0\.300 ms sum, \+0\.700 ms hello \(target < 0\.5 ms: missed: by 0\.200 ms hello\)/,
  );
  assert.match(line, /keeps 90 % sum, 50 % hello of direct throughput \(target ≥ 80 %: missed: by 30 points hello\)/);
  assert.match(line, /no failed requests$/);
  assert.not.match(line, /CPU-bound/);
  assert.not.match(line, /\n/);
});

test('summary says when the host CPUs, not the proxy config, bound throughput; counts errors', () => {
  const s = [...samples('hello', 0.2, 0.5, 0.97), sample('hello', 'ping-latency', 'proxy', 3, 0.2, 1, 0.5, 4)];
  const line = summaryLine([verdict(s, 'hello', 'hello')], 2);
  assert.match(
    line,
    /throughput is CPU-bound \(2 cores shared by wrk, Caddy and the function; hello: host 97 % busy, Caddy 0\.80 cores\)/,
  );
  assert.match(line, /target < 0\.5 ms: met/);
  assert.match(line, /4 failed requests$/);
  assert.not.match(line, /noisy/);
});

test('summary calls the figures noisy when other work kept the host busy before the runs', () => {
  const s = samples('sum', 0.3, 0.9);
  assert.match(
    summaryLine([verdict(s, 'sum', 'sum')], 2, { sum: 0.6 }),
    /other work kept the host 60 % busy before the runs: figures are noisy/,
  );
  assert.not.match(summaryLine([verdict(s, 'sum', 'sum')], 2, { sum: 0.1 }), /noisy/);
});

test.run();
