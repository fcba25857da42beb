// The few Docker chores every bench shares: waiting for an engine that is
// restarting (a fault test may do that under a bench), and listing or removing
// what a bench left behind.
import { run } from '../../src/exec/runner.ts';
import { dockerServerVersion } from '../../src/docker/argv.ts';
import { imagesArgv, rmiArgv } from './argv.ts';

/**
 * Whether the engine answers within `ms`, polling every `pollMs`. Once it does,
 * waits `settleMs` more (restart policies bring containers back meanwhile).
 */
export async function waitForDocker(ms: number, { pollMs = 2000, settleMs = 0 } = {}): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await run(dockerServerVersion(), { timeoutMs: 10_000 })).exitCode === 0) {
      if (settleMs > 0) await sleep(settleMs);
      return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
}

/** Local images matching any of `references` (globs allowed), one `format` line each, deduplicated. */
export async function localImages(format: string, references: readonly string[]): Promise<string[]> {
  const r = await run(imagesArgv(format, references));
  return [...new Set(r.stdout.split('\n').filter(Boolean))];
}

/** Removes the images named (no-op for none). */
export async function removeImages(refs: readonly string[], force = false): Promise<void> {
  if (refs.length > 0) await run(rmiArgv(refs, force));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
