// Loads a TypeScript entry point (src/cli or bench/lib) for the zx scripts.
// `npm ci` bundles src/ into dist/ (scripts/_bundle.mjs): loading the bundle
// costs ~10 ms where tsx's loader hooks cost ~300 ms for the same module graph,
// which matters for commands like an up-to-date build that finish in 0.1 s.
// The bundle is used only while no file under src/ is newer than it; after an
// edit (or a pull without `npm ci`) the sources run through tsx, so a stale
// bundle never runs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestUnder(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether dir/dist holds a bundle no file under dir/src or dir/bench/lib is newer than (FAASO_NO_BUNDLE=1: never). */
export function bundleIsFresh(dir = root) {
  if (process.env.FAASO_NO_BUNDLE === '1') return false;
  let stamped;
  try {
    stamped = fs.statSync(path.join(dir, 'dist', '.bundled')).mtimeMs;
  } catch {
    return false;
  }
  return Math.max(...SOURCES.map((s) => newestUnder(path.join(dir, s)))) <= stamped;
}

/** The bundled source trees: the product and the benches. */
const SOURCES = ['src', path.join('bench', 'lib')];
const ENTRIES = { cli: '../src/cli/index.ts', bench: '../bench/lib/index.ts' };

/** entry: 'cli' (src/cli/index.ts) or 'bench' (bench/lib/index.ts). */
export async function loadEntry(entry) {
  if (bundleIsFresh()) return import(pathToFileURL(path.join(root, 'dist', entry, 'index.js')).href);
  const { tsImport } = await import('tsx/esm/api');
  // One tsImport for everything, so all modules share one instance (instanceof works).
  return tsImport(ENTRIES[entry], import.meta.url);
}
