// A bounded pool for building several functions at once, and how many at once.
// Builds are mostly waiting (apt and npm downloads, registry pushes, a
// single-threaded compiler), so a few in parallel finish far sooner than one
// after another; an unbounded fan-out would thrash a small machine.
import { UserError } from '../errors.ts';

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Runs `worker` over `items` with at most `jobs` in flight, starting them in
 * input order. One failure never stops the others; results come back in input
 * order, whatever order they finished in.
 */
export async function runPool<T, R>(
  items: readonly T[],
  jobs: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<Settled<R>[]> {
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await worker(items[i]!, i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(jobs), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

export const MAX_JOBS = 16;

/**
 * Concurrent builds from FAASO_BUILD_JOBS, else one more than the cores (at
 * least 2, at most 4): one build compiles while the others download (pure).
 */
export function buildJobs(env: NodeJS.ProcessEnv, cpus: number): number {
  const raw = env.FAASO_BUILD_JOBS?.trim();
  if (!raw) return Math.min(4, Math.max(2, cpus + 1));
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < 1 || n > MAX_JOBS) {
    throw new UserError(
      `FAASO_BUILD_JOBS: expected a whole number from 1 to ${MAX_JOBS}, got ${JSON.stringify(raw)}`,
      'unset it for the default (cores + 1, 2 to 4), or 1 to build one function at a time',
    );
  }
  return n;
}
