// One `up` at a time: compose/.faaso-up.lock holds the pid of the `up` applying
// changes. A second `up` says who is at work instead of racing it; `watch`
// holds off while one runs (a drained replica is stopped on purpose). A lock
// whose process is gone is stale and taken over.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import type { ComposeTarget } from './argv.ts';

export const LOCK_FILE = '.faaso-up.lock';

export interface LockHolder {
  pid: number;
  /** ms since epoch. */
  since: number;
}

const lockPath = (t: ComposeTarget): string => path.join(t.dir, LOCK_FILE);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, if a live process does. */
export async function upInProgress(t: ComposeTarget): Promise<LockHolder | null> {
  try {
    const holder = JSON.parse(await fs.readFile(lockPath(t), 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 && alive(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

/** Takes the lock (or fails naming who has it); returns how to release it. */
export async function acquireUpLock(t: ComposeTarget): Promise<() => Promise<void>> {
  await fs.mkdir(t.dir, { recursive: true });
  const mine = JSON.stringify({ pid: process.pid, since: Date.now() } satisfies LockHolder);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockPath(t), mine, { flag: 'wx' });
      return async () => {
        await fs.rm(lockPath(t), { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await upInProgress(t);
      if (holder) {
        throw new UserError(
          `another \`up\` (pid ${holder.pid}) has been applying changes to stack ${t.project} since ${new Date(holder.since).toISOString()}`,
          'wait for it to finish, or stop it; its changes are rolled back if it fails',
        );
      }
      await fs.rm(lockPath(t), { force: true }); // stale: its process is gone
    }
  }
  throw new UserError(`could not take ${lockPath(t)}`, 'is another `up` starting right now? try again');
}
