// The schedule's files in the compose folder: the jobs (schedule.json, written
// by `up`) and what has been fired (.faaso-schedule-state.json, written by
// watch, atomically, before each request goes out). Read by status and the
// console the same way.
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { nextAfter } from './cron.ts';
import { emptyScheduleState, type RunRecord, type ScheduleState } from './due.ts';
import { parseScheduleFile, renderScheduleFile, SCHEDULE_FILE, type ScheduledJob } from './jobs.ts';

export const SCHEDULE_STATE_FILE = '.faaso-schedule-state.json';

/** The jobs up wrote; none when there is no file. Throws on a file that is not faaso's. */
export async function readJobs(dir: string): Promise<ScheduledJob[]> {
  const text = await fs.readFile(path.join(dir, SCHEDULE_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  return text === null ? [] : parseScheduleFile(text);
}

/** Written by up after the stack it describes runs; removed when there is nothing to schedule. */
export async function writeJobs(dir: string, jobs: readonly ScheduledJob[]): Promise<void> {
  const file = path.join(dir, SCHEDULE_FILE);
  if (jobs.length === 0) return fs.rm(file, { force: true });
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(file, renderScheduleFile(jobs));
}

/** What was fired; a missing or unreadable file is an empty state (nothing claimed: every job starts from now). */
export async function readScheduleState(dir: string): Promise<ScheduleState> {
  try {
    const raw = JSON.parse(await fs.readFile(path.join(dir, SCHEDULE_STATE_FILE), 'utf8')) as ScheduleState;
    return raw && typeof raw.jobs === 'object' && raw.jobs !== null ? raw : emptyScheduleState();
  } catch {
    return emptyScheduleState();
  }
}

export async function writeScheduleState(dir: string, state: ScheduleState): Promise<void> {
  await writeFileAtomic(path.join(dir, SCHEDULE_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** One job as status and the console show it. */
export interface ScheduleView {
  id: string;
  function: string;
  cron: string;
  method: string;
  url: string;
  /** The next time it fires, ms (null: never). */
  next: number | null;
  runs: number;
  failures: number;
  skipped: number;
  last: RunRecord | null;
}

export function scheduleViews(jobs: readonly ScheduledJob[], state: ScheduleState, now: number): ScheduleView[] {
  return jobs.map((j) => {
    const s = state.jobs[j.id]?.key === j.key ? state.jobs[j.id] : undefined;
    return {
      id: j.id,
      function: j.function,
      cron: j.cron,
      method: j.request.method,
      url: j.request.url,
      next: nextAfter(j.cron, Math.max(now, s?.claimed ?? now)),
      runs: s?.runs ?? 0,
      failures: s?.failures ?? 0,
      skipped: s?.skipped ?? 0,
      last: s?.last ?? null,
    };
  });
}

export async function readScheduleViews(dir: string, now: number): Promise<ScheduleView[]> {
  return scheduleViews(await readJobs(dir), await readScheduleState(dir), now);
}
