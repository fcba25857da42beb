// Bundles src/cli and bench/lib into dist/cli and dist/bench (git-ignored) with esbuild; run by
// `npm ci` (the "prepare" script). Dependencies stay external. The stamp is
// written with the time the bundling started, so a source edited meanwhile
// makes the bundle stale (see scripts/_load.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.bundled');
const started = new Date();

fs.rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { 'cli/index': 'src/cli/index.ts', 'bench/index': 'bench/lib/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true, // commands stay lazily loaded, as in src/cli/index.ts
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked', // read only under --verbose (scripts/_run.mjs), so stack traces name src/
  logLevel: 'warning',
});
fs.writeFileSync(stamp, `${started.toISOString()}\n`);
fs.utimesSync(stamp, started, started);
