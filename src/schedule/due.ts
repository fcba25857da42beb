// Which scheduled runs are due, from the jobs, what was claimed before and the
// time. Pure (the clock and cron are passed in), so every case — a restart, a
// missed run, an edited entry, an overlap — is a unit test.
//
// "A run missed while the scheduler was down is not fired twice": each job's
// state holds the last occurrence claimed, and the shell writes it to disk
// (atomically) before it sends the request. After a restart only occurrences
// after that one are candidates, and all the ones missed meanwhile collapse
// into one run, of the latest. So a run is fired at most once, even if watch
// dies while the request is in flight.
import type { ScheduledJob } from './jobs.ts';

export interface RunRecord {
  /** The occurrence this run is for (ms). */
  scheduledFor: number;
  startedAt: number;
  ms: number;
  /** HTTP status, null when no answer came. */
  status: number | null;
  ok: boolean;
  error?: string;
  /** Fired after a pause (watch was down): it stands for every occurrence missed meanwhile. */
  late: boolean;
}

export interface JobState {
  key: string;
  /** The last occurrence claimed (fired or skipped), ms. */
  claimed: number;
  runs: number;
  failures: number;
  /** Occurrences not fired because the previous run was still in flight. */
  skipped: number;
  last?: RunRecord;
}

export interface ScheduleState {
  jobs: Record<string, JobState>;
}

export interface CronClock {
  nextAfter: (cron: string, after: number) => number | null;
  latestAtOrBefore: (cron: string, at: number) => number | null;
}

export interface Firing {
  job: ScheduledJob;
  scheduledFor: number;
  late: boolean;
}

/** A run starting this long after its time counts as caught up, not on time. */
export const LATE_MS = 2000;

export const emptyScheduleState = (): ScheduleState => ({ jobs: {} });

/**
 * The runs to fire now and the state to write before firing them. A job seen
 * for the first time (or edited) starts from now: nothing from before it
 * existed is caught up.
 */
export function dueRuns(
  jobs: readonly ScheduledJob[],
  state: ScheduleState,
  now: number,
  inFlight: ReadonlySet<string>,
  clock: CronClock,
): { fire: Firing[]; state: ScheduleState; changed: boolean } {
  const next: ScheduleState = { jobs: {} };
  const fire: Firing[] = [];
  let changed = Object.keys(state.jobs).some((id) => !jobs.some((j) => j.id === id));
  for (const job of jobs) {
    const old = state.jobs[job.id];
    if (!old || old.key !== job.key) {
      next.jobs[job.id] = { key: job.key, claimed: now, runs: 0, failures: 0, skipped: 0 };
      changed = true;
      continue;
    }
    const first = clock.nextAfter(job.cron, old.claimed);
    if (first === null || first > now) {
      next.jobs[job.id] = old;
      continue;
    }
    const latest = clock.latestAtOrBefore(job.cron, now) ?? first;
    changed = true;
    if (inFlight.has(job.id)) {
      next.jobs[job.id] = { ...old, claimed: latest, skipped: old.skipped + 1 };
      continue;
    }
    next.jobs[job.id] = { ...old, claimed: latest };
    fire.push({ job, scheduledFor: latest, late: latest > first || now - latest > LATE_MS });
  }
  return { fire, state: next, changed };
}

/** The state once a run has finished. */
export function recordRun(state: ScheduleState, id: string, run: RunRecord): ScheduleState {
  const s = state.jobs[id];
  if (!s) return state; // the job was removed while its run was in flight
  const updated = { ...s, runs: s.runs + 1, failures: s.failures + (run.ok ? 0 : 1), last: run };
  return { jobs: { ...state.jobs, [id]: updated } };
}
