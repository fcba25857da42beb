// Pure: where a redeploy's time went, read from the commands `up` ran (its
// FAASO_EXEC_LOG). A rolling update is, per batch, `compose up --scale` (start),
// /ping polls and the wait for the proxies' DNS view (ready), `docker stop`
// (drain) and `docker rm` (remove); the swap is the whole of that, from the
// first start to the end of the last removal.
import type { ExecEntry } from './exec-log.ts';

export interface SwapTiming {
  /** From the start of the first `docker compose … --scale` to the end of the last `docker rm`. */
  swapMs: number;
  /** From the process's start to the first `--scale`: loading, checking images, observing, rendering, validating. */
  beforeMs: number;
  /** `--scale` commands: one per batch of new replicas. */
  batches: number;
  /** Summed over the batches: `compose up --scale`. */
  startMs: number;
  /** Summed: from a `--scale` ending to the next `docker stop` starting (/ping polls, then the DNS wait). */
  readyMs: number;
  /** Summed: `docker stop` (the old replicas finish their requests and exit). */
  drainMs: number;
  /** Summed: `docker rm` inside the swap. */
  removeMs: number;
}

const isScale = (e: ExecEntry): boolean =>
  e.argv[0] === 'docker' && e.argv[1] === 'compose' && e.argv.includes('--scale');
const isStop = (e: ExecEntry): boolean => e.argv[0] === 'docker' && e.argv[1] === 'stop';
const isRm = (e: ExecEntry): boolean => e.argv[0] === 'docker' && e.argv[1] === 'rm';
const end = (e: ExecEntry): number => e.at + e.ms;

/** The swap of one `up`, or null when it started no replica (nothing was replaced). */
export function swapTiming(entries: readonly ExecEntry[]): SwapTiming | null {
  // The log is written as commands end; the swap is read in the order they started.
  const byStart = [...entries].sort((a, b) => a.at - b.at);
  const first = byStart.find(isScale);
  if (!first) return null;
  const within = byStart.filter((e) => e.at >= first.at);
  const removals = within.filter(isRm);
  const last = removals.reduce((a, e) => Math.max(a, end(e)), end(first));
  const scales = within.filter(isScale);
  const stops = within.filter(isStop);
  let readyMs = 0;
  for (const s of scales) {
    const next = stops.find((d) => d.at >= end(s));
    if (next) readyMs += next.at - end(s);
  }
  const sum = (list: ExecEntry[]): number => list.reduce((a, e) => a + e.ms, 0);
  return {
    swapMs: last - first.at,
    beforeMs: first.at,
    batches: scales.length,
    startMs: sum(scales),
    readyMs,
    drainMs: sum(stops),
    removeMs: sum(removals),
  };
}
