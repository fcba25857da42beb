// Undo on interrupt: operations that leave something behind while they run (a
// test container, a temp build context) register how to remove it. On Ctrl-C or
// SIGTERM the entry point runs every pending cleanup before exiting, so an
// interrupted build leaves no container or temp dir behind.
type Cleanup = () => Promise<unknown>;

const pending = new Set<Cleanup>();

/** Runs `body`, with `cleanup` registered while it runs (and always run after it). */
export async function withCleanup<T>(cleanup: Cleanup, body: () => Promise<T>): Promise<T> {
  pending.add(cleanup);
  try {
    return await body();
  } finally {
    pending.delete(cleanup);
    await cleanup();
  }
}

/**
 * withCleanup whose caller need not wait for the cleanup after a success: it
 * starts as the body ends and `behind` receives its promise, to await before
 * anything that needs it done. It stays registered until it ends, so an
 * interrupt meanwhile still runs it. After a failure it is awaited, as in withCleanup.
 */
export async function withCleanupBehind<T>(
  cleanup: Cleanup,
  body: () => Promise<T>,
  behind: (done: Promise<unknown>) => void,
): Promise<T> {
  pending.add(cleanup);
  let value: T;
  try {
    value = await body();
  } catch (err) {
    pending.delete(cleanup);
    await cleanup();
    throw err;
  }
  const done = cleanup().finally(() => pending.delete(cleanup));
  behind(done);
  return value;
}

/** Runs every pending cleanup once (errors ignored: best effort on the way out). */
export async function runPendingCleanups(): Promise<void> {
  const all = [...pending];
  pending.clear();
  await Promise.allSettled(all.map((c) => c()));
}
