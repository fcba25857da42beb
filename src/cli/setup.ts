// npx zx scripts/setup.mjs — makes a fresh machine ready for faaso, idempotently:
// a running Docker engine, the compose v2 and buildx plugins, and the base image.
// Prints nothing when everything is already in place.
import { ensureBaseImage } from '../base/ensure.ts';
import { setupEngine } from '../setup/engine.ts';
import { setupPlugins } from '../setup/plugins.ts';
import { parseCli } from './entry.ts';

const USAGE = 'npx zx scripts/setup.mjs';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  // Order matters: the plugins need the docker client docker.io brings, and the
  // base image needs the engine.
  await setupEngine();
  await setupPlugins();
  await ensureBaseImage();
  return 0;
}
