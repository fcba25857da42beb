// The console's /metrics in Prometheus' text format (0.0.4): per function and
// route the counts the proxy saw since the function's containers were created
// (a redeploy resets them: Prometheus' rate() handles counter resets), the
// replicas, and each schedule's runs. Pure; labels escaped per the format.
import type { FunctionRow } from '../stack/table.ts';
import type { FunctionMetrics } from '../metrics/series.ts';
import type { MetricsSummary } from '../metrics/stats.ts';
import type { ScheduleView } from '../schedule/store.ts';

const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

type Sample = [Record<string, string>, number];

function family(name: string, type: string, help: string, samples: Sample[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([l, v]) => `${name}${labels(l)} ${v}`)];
}

export function renderPrometheus(
  rows: readonly FunctionRow[],
  metrics: readonly FunctionMetrics[],
  schedules: readonly ScheduleView[],
): string {
  const perRoute: [Record<string, string>, MetricsSummary][] = metrics.flatMap((m) =>
    Object.entries(m.routes).map(
      ([route, s]) => [{ function: m.function, route }, s] as [Record<string, string>, MetricsSummary],
    ),
  );
  const quantiles: Sample[] = perRoute.flatMap(([l, s]) =>
    (
      [
        ['0.5', s.p50],
        ['0.95', s.p95],
        ['0.99', s.p99],
      ] as const
    ).flatMap(([q, ms]) => (ms === null ? [] : [[{ ...l, quantile: q }, ms / 1000] as Sample])),
  );
  const lines = [
    ...family(
      'faaso_requests_total',
      'counter',
      "Requests through faaso's proxy since the function's containers were created.",
      perRoute.map(([l, s]) => [l, s.requests]),
    ),
    ...family(
      'faaso_request_errors_total',
      'counter',
      'Answers with a 4xx or 5xx status, by class.',
      perRoute.flatMap(([l, s]) => [
        [{ ...l, class: '4xx' }, s.clientErrors],
        [{ ...l, class: '5xx' }, s.serverErrors],
      ]),
    ),
    ...family(
      'faaso_requests_per_second',
      'gauge',
      'Requests per second over the last minute.',
      perRoute.map(([l, s]) => [l, Number(s.rps.toFixed(3))]),
    ),
    ...family('faaso_request_duration_seconds', 'summary', 'Time to the whole answer, through the proxy.', quantiles),
    ...family(
      'faaso_replicas_wanted',
      'gauge',
      'Replicas faaso.yml asks for.',
      rows.map((r) => [{ function: r.function }, r.wanted]),
    ),
    ...family(
      'faaso_replicas_healthy',
      'gauge',
      'Replicas running and healthy.',
      rows.map((r) => [{ function: r.function }, r.healthy]),
    ),
    ...family(
      'faaso_restarts',
      'gauge',
      "Restarts of the function's replicas (Docker's count: a restart by hand resets it).",
      rows.map((r) => [{ function: r.function }, r.restarts]),
    ),
    ...family(
      'faaso_schedule_runs_total',
      'counter',
      'Scheduled runs fired by watch.',
      schedules.map((v) => [{ function: v.function, schedule: v.id }, v.runs]),
    ),
    ...family(
      'faaso_schedule_failures_total',
      'counter',
      'Scheduled runs that got no 2xx answer.',
      schedules.map((v) => [{ function: v.function, schedule: v.id }, v.failures]),
    ),
    ...family(
      'faaso_schedule_last_duration_seconds',
      'gauge',
      'Duration of the last scheduled run.',
      schedules.flatMap((v) =>
        v.last ? [[{ function: v.function, schedule: v.id }, v.last.ms / 1000] as Sample] : [],
      ),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
