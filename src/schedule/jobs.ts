// faaso.yml's schedules → the jobs `watch` fires: compose/schedule.json, written
// by `up` once the stack it describes runs (so a schedule never fires at a
// route that is not there yet), read back by watch, status and the console.
// Pure: rendering and parsing.
import { createHash } from 'node:crypto';
import { requestInit } from '../testing/http.ts';
import { functionUrl } from '../invoke/plan.ts';
import type { InvokeRequest } from '../invoke/plan.ts';
import type { StackConfig } from '../stack/types.ts';

export const SCHEDULE_FILE = 'schedule.json';

export interface ScheduledJob {
  /** "sum#1": the function and the entry's place in its list (from 1). */
  id: string;
  function: string;
  cron: string;
  /** Fingerprint of the cron expression and the request: an edited entry is a new job. */
  key: string;
  request: InvokeRequest & { body?: string };
}

/** Every schedule entry of faaso.yml, as a request through the proxy at its function's first route. */
export function scheduledJobs(config: StackConfig): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  for (const f of config.functions) {
    (f.schedule ?? []).forEach((entry, i) => {
      const url = functionUrl(config, f.name, entry.request.path, false);
      if (url === undefined) return; // a schedule's function is always routed (faaso.yml's rules)
      const init = requestInit(entry.request);
      const headers = Object.fromEntries(
        Object.entries({ 'user-agent': 'faaso-schedule', ...init.headers }).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      const request = { method: init.method, url, headers, ...(init.body === undefined ? {} : { body: init.body }) };
      const key = createHash('sha256')
        .update(JSON.stringify([entry.cron, request]))
        .digest('hex')
        .slice(0, 12);
      jobs.push({ id: `${f.name}#${i + 1}`, function: f.name, cron: entry.cron, key, request });
    });
  }
  return jobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function renderScheduleFile(jobs: readonly ScheduledJob[]): string {
  return `${JSON.stringify({ generated: 'by faaso from faaso.yml: do not edit', jobs }, null, 2)}\n`;
}

/** The jobs of a schedule file; a file that is not faaso's (hand-edited, truncated) is an Error. */
export function parseScheduleFile(text: string): ScheduledJob[] {
  const jobs = (JSON.parse(text) as { jobs?: unknown }).jobs;
  if (!Array.isArray(jobs)) throw new Error('no "jobs" list');
  for (const j of jobs as ScheduledJob[]) {
    if (typeof j?.id !== 'string' || typeof j.cron !== 'string' || typeof j.request?.url !== 'string')
      throw new Error('a job without id, cron or request');
  }
  return jobs as ScheduledJob[];
}
