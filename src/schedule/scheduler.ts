// The scheduler's shell, run inside `watch` (the long-lived faaso process that
// already exists as a service): every tick it reads the jobs when up rewrote
// them, asks due.ts what to fire, writes the claim to disk, then fires each run
// through the proxy and records its status and duration.
import fs from 'node:fs/promises';
import path from 'node:path';
import { sendFailure, sendInvoke } from '../invoke/send.ts';
import { formatMs } from '../metrics/format.ts';
import { latestAtOrBefore, nextAfter } from './cron.ts';
import { dueRuns, recordRun, type RunRecord, type ScheduleState } from './due.ts';
import { SCHEDULE_FILE, type ScheduledJob } from './jobs.ts';
import { readJobs, readScheduleState, writeScheduleState } from './store.ts';
import { sleep } from '../util/sleep.ts';

export interface SchedulerEvent {
  service: string | null;
  kind: 'schedule' | 'schedule-failed' | 'error';
  message: string;
  ok?: boolean;
}

export interface SchedulerOptions {
  /** The compose folder: schedule.json and the state file. */
  dir: string;
  signal?: AbortSignal;
  emit: (e: SchedulerEvent) => void;
  tickMs?: number;
  /** A run gets this long to answer. */
  timeoutMs?: number;
}

const TICK_MS = 250;
const RUN_TIMEOUT_MS = 30_000;

/** Runs until aborted; waits for the runs in flight before it returns. */
export async function runScheduler(opts: SchedulerOptions): Promise<void> {
  const file = path.join(opts.dir, SCHEDULE_FILE);
  const timeoutMs = opts.timeoutMs ?? RUN_TIMEOUT_MS;
  let state: ScheduleState = await readScheduleState(opts.dir);
  let jobs: ScheduledJob[] = [];
  let seen = '';
  let broken = '';
  const inFlight = new Map<string, Promise<void>>();
  // One write at a time, in order: the last rename must carry the newest state.
  let writing: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (writing = writing.then(() => writeScheduleState(opts.dir, state)));

  const fire = async (job: ScheduledJob, scheduledFor: number, late: boolean): Promise<void> => {
    const startedAt = Date.now();
    let run: RunRecord;
    try {
      const res = await sendInvoke(job.request, timeoutMs);
      const ok = res.status >= 200 && res.status < 300;
      run = { scheduledFor, startedAt, ms: Math.round(res.ms * 10) / 10, status: res.status, ok, late };
    } catch (err) {
      run = {
        scheduledFor,
        startedAt,
        ms: Date.now() - startedAt,
        status: null,
        ok: false,
        late,
        error: sendFailure(err, timeoutMs),
      };
    }
    const previous = state.jobs[job.id]?.last;
    state = recordRun(state, job.id, run);
    await save();
    const what = `${job.id} (${job.cron}): ${job.request.method} ${job.request.url}`;
    const outcome = run.status === null ? run.error : `${run.status} in ${formatMs(run.ms)}`;
    // Quiet while all is well, like watch: failures, recoveries and caught-up runs are said.
    if (!run.ok)
      opts.emit({ service: job.function, kind: 'schedule-failed', message: `${what} → ${outcome}`, ok: false });
    else if (late || previous?.ok === false)
      opts.emit({
        service: job.function,
        kind: 'schedule',
        message: `${what} → ${outcome}${late ? ' (caught up: watch was not running at its time)' : ''}`,
        ok: true,
      });
  };

  while (!opts.signal?.aborted) {
    try {
      const stamp = await fs.stat(file).then(
        (s) => `${s.mtimeMs}:${s.size}`,
        () => 'none',
      );
      if (stamp !== seen) {
        seen = stamp;
        jobs = await readJobs(opts.dir);
        broken = '';
      }
      const now = Date.now();
      const due = dueRuns(jobs, state, now, new Set(inFlight.keys()), { nextAfter, latestAtOrBefore });
      if (due.changed) {
        state = due.state;
        await save(); // claimed on disk before any request goes out: never fired twice
      }
      for (const f of due.fire) {
        const p = fire(f.job, f.scheduledFor, f.late).finally(() => inFlight.delete(f.job.id));
        inFlight.set(f.job.id, p);
      }
    } catch (err) {
      const why = `${SCHEDULE_FILE}: ${(err as Error)?.message ?? String(err)}`;
      if (why !== broken) opts.emit({ service: null, kind: 'error', message: `schedules: ${why}` });
      broken = why;
    }
    await sleep(opts.tickMs ?? TICK_MS, opts.signal);
  }
  await Promise.allSettled(inFlight.values());
  await writing;
}
