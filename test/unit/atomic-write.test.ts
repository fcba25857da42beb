import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempPathFor, writeFileAtomic } from '../../src/util/atomic-write.ts';

const MODULE = new URL('../../src/util/atomic-write.ts', import.meta.url).pathname;
const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-atomic-'));
  dirs.push(d);
  return d;
}
test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('creates a file with exactly the data, mode 0644, and leaves no temp file', async () => {
  const d = tmpDir();
  const f = path.join(d, 'docker-compose.yml');
  await writeFileAtomic(f, 'services: {}\n');
  assert.is(fs.readFileSync(f, 'utf8'), 'services: {}\n');
  assert.is(fs.statSync(f).mode & 0o777, 0o644 & ~process.umask());
  assert.equal(fs.readdirSync(d), ['docker-compose.yml']);
  await writeFileAtomic(path.join(d, 'bin'), new Uint8Array([0, 1, 255]));
  assert.equal([...fs.readFileSync(path.join(d, 'bin'))], [0, 1, 255]);
});

test('replaces an existing file by rename: a reader holding the old file still sees the old bytes', async () => {
  const d = tmpDir();
  const f = path.join(d, 'Caddyfile');
  fs.writeFileSync(f, 'old\n');
  const before = fs.statSync(f).ino;
  const reader = fs.openSync(f, 'r');
  await writeFileAtomic(f, 'new\n');
  assert.is(fs.readFileSync(f, 'utf8'), 'new\n');
  assert.is.not(fs.statSync(f).ino, before);
  assert.is(fs.readFileSync(reader, 'utf8'), 'old\n');
  fs.closeSync(reader);
  assert.equal(fs.readdirSync(d), ['Caddyfile']);
});

test('temp names sit in the same folder and differ per call', () => {
  const a = tempPathFor('/x/compose/.env');
  const b = tempPathFor('/x/compose/.env');
  assert.match(a, new RegExp(`^/x/compose/\\.env\\.tmp-${process.pid}-[0-9a-f]{12}$`));
  assert.is.not(a, b);
});

test('a write that fails halfway (file size limit: EFBIG) leaves the old file intact and no temp file', () => {
  const d = tmpDir();
  const f = path.join(d, 'docker-compose.yml');
  fs.writeFileSync(f, 'old content\n');
  // A child process with a 1 MiB file size limit writes 4 MiB: the kernel
  // refuses the write part way (EFBIG), a real mid-write failure.
  const script = `
    const { writeFileAtomic } = await import(${JSON.stringify(MODULE)});
    try { await writeFileAtomic(${JSON.stringify(f)}, Buffer.alloc(4 << 20, 120)); console.log('written'); }
    catch (e) { console.log('failed', e.code); }`;
  const r = spawnSync(
    'bash',
    ['-c', 'ulimit -f 1024; exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script],
    {
      encoding: 'utf8',
      cwd: path.dirname(MODULE),
    },
  );
  assert.is(r.stdout.trim(), 'failed EFBIG', r.stderr);
  assert.is(fs.readFileSync(f, 'utf8'), 'old content\n');
  assert.equal(fs.readdirSync(d), ['docker-compose.yml']);
});

test('a failing rename (target is a folder) removes the temp file and touches nothing', async () => {
  const d = tmpDir();
  const target = path.join(d, 'caddy');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'Caddyfile'), 'keep\n');
  const err = await writeFileAtomic(target, 'x').catch((e) => e);
  assert.ok(
    err instanceof Error && ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code!),
    String(err),
  );
  assert.equal(fs.readdirSync(d), ['caddy']);
  assert.is(fs.readFileSync(path.join(target, 'Caddyfile'), 'utf8'), 'keep\n');
});

test('a missing folder is an error, not a silently created tree', async () => {
  const d = tmpDir();
  const err = await writeFileAtomic(path.join(d, 'nope', 'f'), 'x').catch((e) => e);
  assert.is((err as NodeJS.ErrnoException).code, 'ENOENT');
  assert.equal(fs.readdirSync(d), []);
});

test('concurrent writers: the file ends up as one complete version, never a mix', async () => {
  const d = tmpDir();
  const f = path.join(d, 'f');
  const versions = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(256 * 1024));
  await Promise.all(versions.map((v) => writeFileAtomic(f, v)));
  assert.ok(versions.includes(fs.readFileSync(f, 'utf8')));
  assert.equal(fs.readdirSync(d), ['f']);
});

test.run();
