// How scheduled runs read in `status` (the console renders the same views as HTML). Pure.
import { formatMs } from '../metrics/format.ts';
import type { RunRecord } from './due.ts';
import type { ScheduleView } from './store.ts';

/** "14:05:00" today, else "2026-11-30 14:05"; local time, like the cron expressions. */
export function formatWhen(ms: number | null, now: number): string {
  if (ms === null) return 'never';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return day === formatDay(now) ? time : `${day} ${time.slice(0, 5)}`;
}

const formatDay = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** "200 in 12ms", "502 in 3.1s", "no answer: connection refused", with "(caught up)" for a late run. */
export function formatRun(run: RunRecord | null): string {
  if (!run) return 'not yet';
  const what = run.status === null ? `no answer: ${run.error ?? 'error'}` : `${run.status} in ${formatMs(run.ms)}`;
  return `${what}${run.late ? ' (caught up)' : ''}`;
}

export const SCHEDULE_HEADERS = ['SCHEDULE', 'CRON', 'REQUEST', 'LAST RUN', 'AT', 'NEXT', 'RUNS'];

export function scheduleCells(v: ScheduleView, now: number): string[] {
  const path = new URL(v.url).pathname + new URL(v.url).search;
  const counts = `${v.runs}${v.failures ? ` (${v.failures} failed)` : ''}${v.skipped ? ` (${v.skipped} skipped)` : ''}`;
  return [
    v.id,
    v.cron,
    `${v.method} ${path}`,
    formatRun(v.last),
    v.last ? formatWhen(v.last.startedAt, now) : '-',
    formatWhen(v.next, now),
    counts,
  ];
}
