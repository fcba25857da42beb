// faaso's own service images (registry now, the Caddy proxy later) live in
// images/<name>/ and are built locally, tagged by a hash of their folder so a
// change rebuilds them and an unchanged folder costs one inspect.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerBuild } from '../docker/argv.ts';
import { imageInfo } from '../docker/engine.ts';
import { ensureBaseImage } from '../base/ensure.ts';

export async function infraImageRef(root: string, name: string): Promise<string> {
  const dir = path.join(root, 'images', name);
  const files = (await fs.readdir(dir)).sort();
  const h = createHash('sha256');
  for (const f of files)
    h.update(`${f}\0`)
      .update(await fs.readFile(path.join(dir, f)))
      .update('\0');
  return `faaso/${name}:${h.digest('hex').slice(0, 12)}`;
}

/** Builds images/<name> unless an image with the same content hash exists; returns its ref. */
export async function ensureInfraImage(root: string, name: string, log: (l: string) => void): Promise<string> {
  const ref = await infraImageRef(root, name);
  if (await imageInfo(ref)) return ref;
  await ensureBaseImage({ log });
  log(`building faaso's ${name} image ${ref}…`);
  const started = Date.now();
  const r = await run(
    dockerBuild({ context: path.join(root, 'images', name), tag: ref, labels: { 'faaso.infra': name } }),
    { stream: true },
  );
  if (r.exitCode !== 0)
    throw new UserError(
      `building the ${name} image failed (see docker's output above)`,
      'check that Debian mirrors are reachable from containers (apt over http)',
    );
  log(`built ${ref} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return ref;
}
