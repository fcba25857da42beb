// Bundles src/cli and bench/lib into dist/cli and dist/bench (git-ignored) with esbuild; run by
// `npm ci` (the "prepare" script), dependencies included but zx. The stamp is
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
  // Dependencies bundled too: Node's CommonJS loader resolving and compiling
  // handlebars, yaml and fs-extra file by file was a third of a no-change build's CPU.
  // esbuild's ESM output has no `require` of its own for what they require of Node.
  // zx stays external: the zx CLI running the script has loaded it already, and one
  // instance of it means one set of its settings.
  external: ['zx'],
  banner: {
    js: "import { createRequire as __faasoCreateRequire } from 'node:module'; const require = __faasoCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked', // read only under --verbose (scripts/_run.mjs), so stack traces name src/
  logLevel: 'warning',
});
fs.writeFileSync(stamp, `${started.toISOString()}\n`);
fs.utimesSync(stamp, started, started);
