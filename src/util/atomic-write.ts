// Generated files (compose/docker-compose.yml, compose/.env, the Caddyfile) are
// read by other processes at any moment: Caddy reloads, `docker compose up`
// run by hand, a crash of faaso itself. Writing a temp file next to the target
// and renaming it over the target means readers only ever see the old bytes or
// the new ones, never half a file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644: generated files are not secret). */
  mode?: number;
  /** Owner of the new file, set before it appears under its name (needs root). */
  owner?: { uid: number; gid: number };
}

/** The temp name: same folder (rename is only atomic within one filesystem), unique per process and call. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Replaces `file` with `data` atomically: write FILE.tmp-PID-RAND in the same
 * folder, fsync it, rename it over FILE, fsync the folder. On any error the
 * temp file is removed and FILE is left exactly as it was.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    // "wx": never follow or reuse an existing path, even a stale temp file.
    const handle = await fs.open(tmp, 'wx', opts.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (opts.owner) await handle.chown(opts.owner.uid, opts.owner.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(path.dirname(file));
}

/** Makes the rename itself durable; best effort, as some filesystems refuse to fsync a folder. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // The data is written and renamed; only durability across a power cut is weaker here.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
