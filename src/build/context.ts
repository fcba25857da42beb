// I/O around the pure plan: digest the files a plan needs, and lay a plan's
// build context out on disk.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../errors.ts';
import { isInside } from '../util/list-files.ts';
import { runPool } from '../util/pool.ts';
import type { BuildPlan, SourceFile } from './plan.ts';

/** sha256 of a file, streamed: a data file may be larger than memory (or than the 2 GiB readFile takes). */
async function digestFile(abs: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(abs), hash);
  return hash.digest('hex');
}

/** Files read at once: a folder of thousands stays well inside a 1024 open-file limit. */
const OPEN_FILES = 64;

/**
 * Reads and digests files given by relative path under dir. Each is resolved
 * once here and copied from that real path later: a link that points outside
 * dir now (the listing refused those, but the folder may have changed since)
 * is an error, never content from elsewhere.
 */
export async function readSourceFiles(dir: string, rels: readonly string[]): Promise<SourceFile[]> {
  const root = await fs.realpath(dir);
  const read = await runPool(rels, OPEN_FILES, async (rel) => {
    const abs = await fs.realpath(path.join(dir, rel));
    if (!isInside(root, abs))
      throw new ValidationError([
        { file: path.join(dir, rel), field: '', message: `points outside ${dir} (to ${abs})` },
      ]);
    const [digest, stat] = await Promise.all([digestFile(abs), fs.stat(abs)]);
    return { rel, abs, sha256: digest, executable: (stat.mode & 0o111) !== 0 };
  });
  return read.map((r) => {
    if (!r.ok) throw r.error;
    return r.value;
  });
}

export interface WriteContextOptions {
  /**
   * Never give a file more permissions than its source has (an export the user
   * keeps: a 0600 file stays 0600). Without it every file is 0644 or 0755, as the
   * image needs (the function's user must read its files), in a private temp dir.
   */
  keepModes?: boolean;
}

/**
 * Writes the plan's Dockerfile and entries into dir (which must be empty or
 * absent). Returns the files whose mode was narrowed by keepModes.
 */
export async function writeContext(
  plan: BuildPlan,
  dir: string,
  opts: WriteContextOptions = {},
): Promise<Array<{ dest: string; mode: number }>> {
  const narrowed: Array<{ dest: string; mode: number }> = [];
  await fs.mkdir(dir, { recursive: true });
  // Loaded here, not at startup: only a real build renders (plan.ts, contentHash).
  const { renderDockerfile } = await import('./render.ts');
  const { template, vars, file } = plan.dockerfile;
  await fs.writeFile(path.join(dir, 'Dockerfile'), renderDockerfile(template, vars, file));
  for (const e of plan.entries) {
    const dest = path.join(dir, e.dest);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    if (e.src !== undefined) await fs.copyFile(e.src, dest);
    else await fs.writeFile(dest, e.content ?? '');
    // Normalise modes so the image does not depend on the user's umask.
    const normal = e.executable ? 0o755 : 0o644;
    const mode = opts.keepModes && e.src !== undefined ? normal & (await fs.stat(e.src)).mode : normal;
    if (mode !== normal) narrowed.push({ dest: e.dest, mode });
    await fs.chmod(dest, mode);
  }
  return narrowed;
}

/** A fresh temporary context directory; the caller removes it. */
export async function makeTempContext(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `faaso-build-${name}-`));
}
