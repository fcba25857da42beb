// I/O around the pure plan: digest the files a plan needs, and lay a plan's
// build context out on disk.
import fs from 'fs-extra';
import os from 'node:os';
import path from 'node:path';
import type { BuildPlan, SourceFile } from './plan.ts';
import { sha256 } from './plan.ts';

/** Reads and digests files given by relative path under dir. */
export async function readSourceFiles(dir: string, rels: readonly string[]): Promise<SourceFile[]> {
  return Promise.all(
    rels.map(async (rel) => {
      const abs = path.join(dir, rel);
      const [data, stat] = await Promise.all([fs.readFile(abs), fs.stat(abs)]);
      return { rel, abs, sha256: sha256(data), executable: (stat.mode & 0o111) !== 0 };
    }),
  );
}

/** Writes the plan's Dockerfile and entries into dir (which must be empty or absent). */
export async function writeContext(plan: BuildPlan, dir: string): Promise<void> {
  await fs.ensureDir(dir);
  await fs.writeFile(path.join(dir, 'Dockerfile'), plan.dockerfile);
  for (const e of plan.entries) {
    const dest = path.join(dir, e.dest);
    await fs.ensureDir(path.dirname(dest));
    if (e.src !== undefined) await fs.copyFile(e.src, dest);
    else await fs.writeFile(dest, e.content ?? '');
    // Normalise modes so the image does not depend on the user's umask.
    await fs.chmod(dest, e.executable ? 0o755 : 0o644);
  }
}

/** A fresh temporary context directory; the caller removes it. */
export async function makeTempContext(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `faaso-build-${name}-`));
}
