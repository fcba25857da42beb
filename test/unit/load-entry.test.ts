// The scripts run the dist/ bundle only while no source is newer than it; a stale
// bundle must never run (scripts/_load.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: plain .mjs launcher helper without type declarations
import { bundleIsFresh } from '../../scripts/_load.mjs';

const dirs: string[] = [];
test.after.each(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(): { dir: string; stampAt: (s: number) => void; srcAt: (s: number) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-load-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'cli', 'index.ts'), '');
  const at = (file: string, s: number) => fs.utimesSync(file, s, s);
  return {
    dir,
    stampAt: (s) => {
      fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', '.bundled'), '');
      at(path.join(dir, 'dist', '.bundled'), s);
    },
    srcAt: (s) => at(path.join(dir, 'src', 'cli', 'index.ts'), s),
  };
}

test('no bundle: run the sources', () => {
  assert.is(bundleIsFresh(project().dir), false);
});

test('bundle newer than every source: use it', () => {
  const p = project();
  p.srcAt(1_000_000);
  p.stampAt(2_000_000);
  assert.is(bundleIsFresh(p.dir), true);
});

test('a source edited after bundling (nested folder too) makes the bundle stale', () => {
  const p = project();
  p.srcAt(1_000_000);
  p.stampAt(2_000_000);
  fs.mkdirSync(path.join(p.dir, 'src', 'deep', 'er'), { recursive: true });
  const late = path.join(p.dir, 'src', 'deep', 'er', 'x.ts');
  fs.writeFileSync(late, '');
  fs.utimesSync(late, 3_000_000, 3_000_000);
  assert.is(bundleIsFresh(p.dir), false);
});

test('FAASO_NO_BUNDLE=1 always runs the sources', () => {
  const p = project();
  p.srcAt(1_000_000);
  p.stampAt(2_000_000);
  process.env.FAASO_NO_BUNDLE = '1';
  try {
    assert.is(bundleIsFresh(p.dir), false);
  } finally {
    delete process.env.FAASO_NO_BUNDLE;
  }
});

test('only src/settings.ts locates the checkout from its own file: bundled into dist/, every other module sits at another depth', () => {
  const src = new URL('../../src/', import.meta.url);
  const offenders = (fs.readdirSync(src, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && f !== 'settings.ts')
    .filter((f) => /import\.meta\.(url|dirname|filename)/.test(fs.readFileSync(new URL(f, src), 'utf8')));
  assert.equal(offenders, [], 'use REPO_ROOT from src/settings.ts');
});

test('a bench source edited after bundling makes the bundle stale too', () => {
  const p = project();
  p.srcAt(1_000_000);
  p.stampAt(2_000_000);
  fs.mkdirSync(path.join(p.dir, 'bench', 'lib'), { recursive: true });
  fs.writeFileSync(path.join(p.dir, 'bench', 'lib', 'index.ts'), '');
  fs.utimesSync(path.join(p.dir, 'bench', 'lib', 'index.ts'), 3_000_000, 3_000_000);
  assert.is(bundleIsFresh(p.dir), false);
});

test.run();
