// The proxy bench's verdicts: medians over rounds, the proxy's added latency,
// kept throughput and CPU per request against issues 4 and 13's targets, beside
// the HAProxy reference; rows, and the one summary line.
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
  cpu: {
    hostBusy,
    containers: {
      proxy: mode === 'proxy' || mode === 'published' ? 0.8 : 0,
      reference: mode === 'reference' ? 0.2 : 0,
      engine: mode === 'published' ? 0.3 : 0.1,
      function: 0.4,
    },
  },
});

/**
 * Three rounds per function; Caddy adds `addMs` at p50 and keeps `keep` of the
 * rps, HAProxy half the cost; Caddy uses 0.8 cores, HAProxy 0.2, the function 0.4.
 */
function samples(fn: string, addMs: number, keep: number, hostBusy = 0.5): Sample[] {
  const out: Sample[] = [];
  for (const round of [0, 1, 2]) {
    const noise = round === 1 ? 5 : 1; // one outlier round: medians must ignore it
    for (const probe of ['ping-latency', 'ping-throughput', 'handler-latency', 'handler-throughput'] as const) {
      out.push(sample(fn, probe, 'direct', round, 0.2 * noise, 10000 / noise, hostBusy));
      out.push(sample(fn, probe, 'proxy', round, 0.2 * noise + addMs, (10000 / noise) * keep, hostBusy));
      out.push(
        sample(fn, probe, 'reference', round, 0.2 * noise + addMs / 2, ((10000 / noise) * (1 + keep)) / 2, hostBusy),
      );
      if (probe.startsWith('ping'))
        out.push(
          sample(fn, probe, 'published', round, 0.2 * noise + addMs * 2, (10000 / noise) * keep * 0.8, hostBusy),
        );
    }
  }
  return out;
}

test('aggregate: medians over rounds (the outlier round is ignored), errors summed, CPU per request', () => {
  const s = [...samples('sum', 0.25, 0.9), sample('sum', 'ping-latency', 'proxy', 3, 0.5, 1, 0.5, 7)];
  const a = aggregate(s, 'sum', 'ping-latency', 'direct');
  assert.is(a.p50Ms, 0.2);
  assert.is(a.rps, 10000);
  assert.is(a.runs, 3);
  assert.is(aggregate(s, 'sum', 'ping-latency', 'proxy').errors, 7);
  const p = aggregate(s, 'sum', 'ping-throughput', 'proxy');
  assert.is(p.proxyCores, 0.8);
  assert.is(Math.round(p.hopUs), 89); // 0.8 cores at 9,000 req/s
  assert.is(Math.round(aggregate(s, 'sum', 'ping-throughput', 'reference').hopUs), 21);
  assert.is(Math.round(a.functionUs), 40);
  assert.is(Math.round(p.engineUs), 11); // Docker: 0.1 cores at 9,000 req/s
  const pub = aggregate(s, 'sum', 'ping-throughput', 'published');
  assert.is(Math.round(pub.hopUs), 111); // still Caddy's cgroup: 0.8 cores at 7,200 req/s
  assert.is(Math.round(pub.engineUs), 42);
  assert.ok(Number.isNaN(a.hopUs) || a.hopUs === 0);
});

test('verdict: added p50 ≤ 0.3 ms, kept throughput ≥ 80 %, Caddy CPU ≤ 150 µs, and the reference beside', () => {
  const ok = verdict(samples('sum', 0.25, 0.9), 'sum', 'sum (python)');
  assert.ok(Math.abs(ok.addedP50Ms - 0.25) < 1e-9);
  assert.ok(Math.abs(ok.throughputRatio - 0.9) < 1e-9);
  assert.ok(ok.latencyMet && ok.throughputMet && ok.cpuMet);
  assert.ok(Math.abs(ok.reference.addedP50Ms - 0.125) < 1e-9);
  assert.ok(Math.abs(ok.reference.throughputRatio - 0.95) < 1e-9);
  const bad = verdict(samples('hello', 0.7, 0.5), 'hello', 'hello (crystal)');
  assert.not.ok(bad.latencyMet);
  assert.not.ok(bad.throughputMet);
  assert.not.ok(bad.cpuMet); // 0.8 cores at 5,000 req/s: 160 µs
  // exactly 80 % meets the target
  assert.ok(verdict(samples('x', 0.1, 0.8), 'x', 'x').throughputMet);
});

test('rows: one per function, with signed added latency, ratios, CPU per request and target cells', () => {
  const s = [...samples('sum', 0.25, 0.9), ...samples('hello', 0.7, 0.5)];
  const v = [verdict(s, 'sum', 'sum (python)'), verdict(s, 'hello', 'hello (crystal)')];
  const lat = latencyRows(s, v);
  assert.equal(lat[0], [
    'sum (python)',
    '0.200 ms',
    '0.450 ms (+0.250)',
    '0.325 ms (+0.125)',
    '0.700 ms (+0.500)',
    '0.800 ms',
    '1.800 ms (+1.000)',
    'met',
  ]);
  assert.is(lat[1]![7], 'MISSED');
  const thr = throughputRows(s, v);
  assert.equal(thr[0], [
    'sum (python)',
    '10000',
    '9000 (90 %)',
    '9500 (95 %)',
    '7200 (72 %)',
    '50 % / 50 % / 50 % / 50 %',
    '89 µs',
    '21 µs',
    '11 µs / 42 µs',
    '0 / 0 / 0 / 0',
    'met',
    'met',
  ]);
  assert.equal(thr[1]!.slice(10), ['MISSED', 'MISSED']);
  const h = handlerRows(s, v, { sum: '/?a=1&b=2', hello: '/?name=Ada' });
  assert.equal(h[0], [
    'sum (python)',
    'GET /?a=1&b=2',
    '40 µs',
    '0.200 ms',
    '0.450 ms',
    '+0.250 ms',
    '10000',
    '9000',
    '90 %',
    '95 %',
    '0 / 0 / 0',
    '',
  ]);
  assert.is(h[1]![8], '50 %');
});

test('the ~1 ms handler: its row and the summary say whether it keeps ≥ 90 % through Caddy', () => {
  const good = samples('burn', 0.1, 0.92);
  assert.is(handlerRows(good, [verdict(good, 'burn', 'burn')], { burn: '/' })[0]![11], 'met');
  assert.match(
    summaryLine([verdict(good, 'burn', 'burn')], 2),
    /a ~1 ms handler keeps 92 % of direct throughput through Caddy \(target ≥ 90 %: met\)/,
  );
  const poor = samples('burn', 0.1, 0.85);
  assert.is(handlerRows(poor, [verdict(poor, 'burn', 'burn')], { burn: '/' })[0]![11], 'MISSED');
  assert.match(summaryLine([verdict(poor, 'burn', 'burn')], 2), /\(target ≥ 90 %: missed by 5 points\)/);
});

test('summary: every function, each target met or missed by how much, HAProxy beside', () => {
  const s = [...samples('sum', 0.25, 0.9), ...samples('hello', 0.7, 0.5)];
  const line = summaryLine([verdict(s, 'sum', 'sum'), verdict(s, 'hello', 'hello')], 2);
  assert.match(
    line,
    /^summary: proxy adds p50 \+0\.250 ms sum, \+0\.700 ms hello \(target ≤ 0\.3 ms: missed: by 0\.400 ms hello; HAProxy adds \+0\.125 ms sum, \+0\.350 ms hello; Caddy through its published port \+0\.500 ms sum, \+1\.400 ms hello\)/,
  );
  assert.match(
    line,
    /keeps 90 % sum, 50 % hello of direct throughput \(target ≥ 80 %: missed: by 30 points hello; HAProxy keeps 95 % sum, 75 % hello\)/,
  );
  assert.match(
    line,
    /Caddy CPU per request 89 µs sum, 160 µs hello \(target ≤ 150 µs: missed: by 10 µs hello; HAProxy 21 µs sum, 27 µs hello\)/,
  );
  assert.match(line, /no failed requests$/);
  assert.not.match(line, /CPU-bound|~1 ms handler/);
  assert.not.match(line, /\n/);
});

test('summary says when the host CPUs, not the proxy config, bound throughput; counts errors', () => {
  const s = [...samples('hello', 0.2, 0.5, 0.97), sample('hello', 'ping-latency', 'proxy', 3, 0.2, 1, 0.5, 4)];
  const line = summaryLine([verdict(s, 'hello', 'hello')], 2);
  assert.match(
    line,
    /throughput is CPU-bound \(2 cores shared by wrk, the proxy and the function; hello: host 97 % busy, Caddy 0\.80 cores\)/,
  );
  assert.match(line, /target ≤ 0\.3 ms: met/);
  assert.match(line, /4 failed requests$/);
  assert.not.match(line, /noisy/);
});

test('summary calls the figures noisy when other work kept the host busy before the runs', () => {
  const s = samples('sum', 0.25, 0.9);
  assert.match(
    summaryLine([verdict(s, 'sum', 'sum')], 2, { sum: 0.6 }),
    /other work kept the host 60 % busy before the runs: figures are noisy/,
  );
  assert.not.match(summaryLine([verdict(s, 'sum', 'sum')], 2, { sum: 0.1 }), /noisy/);
});

test.run();
