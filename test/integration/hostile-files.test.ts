// Hostile function folders through the real export script (no Docker needed):
// what enters a build context, the modes it keeps, and where it refuses to write.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import path from 'node:path';
import { runScript, tempProject, writeFunction } from './helpers.ts';

const test = suite('hostile files');
let project: Awaited<ReturnType<typeof tempProject>>;

const ok = { 'function.yml': 'runtime: python\n', 'handler.py': 'def handle(req):\n    return "hi"\n' };

/** Every file of an exported context, sorted, with its mode. */
async function listing(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listing(dir, r)));
    else out.push(`${r} ${((await fs.stat(path.join(dir, r))).mode & 0o777).toString(8)}`);
  }
  return out.sort();
}

test.before(async () => {
  project = await tempProject();
});
test.after(async () => {
  await project.cleanup();
});

test('dotfiles, editor backups and what .faasoignore names never reach the context', async () => {
  await writeFunction(project.root, 'faasohard-dots', {
    ...ok,
    'function.yml': 'runtime: python\nfiles: [".well-known/*"]\n',
    '.env': 'TOKEN=faasohard-secret\n',
    '.git/config': '[core]\n',
    '.ssh/id_ed25519': 'faasohard-secret\n',
    '.handler.py.swp': 'faasohard-secret\n',
    'handler.py~': 'faasohard-secret\n',
    '.well-known/security.txt': 'Contact: x\n',
    '.faasoignore': '*.log\nscratch/\n',
    'debug.log': 'faasohard-secret\n',
    'scratch/notes.py': 'faasohard-secret\n',
  });
  const dir = path.join(project.root, 'out-dots');
  const r = await runScript('export', ['faasohard-dots', dir], project.env);
  assert.is(r.code, 0, r.output);
  const files = (await listing(dir)).map((l) => l.split(' ')[0]!);
  assert.ok(files.includes('function/handler.py') && files.includes('app/.well-known/security.txt'), files.join());
  assert.equal(
    files.filter((f) => /\.env|\.git|\.ssh|\.swp|~|\.log|scratch|\.faasoignore/.test(f)),
    [],
  );
  const all = await Promise.all(files.map((f) => fs.readFile(path.join(dir, f), 'utf8')));
  assert.not.ok(all.some((t) => t.includes('faasohard-secret')));
});

test('export keeps a private file private and says so', async () => {
  await writeFunction(project.root, 'faasohard-modes', { ...ok, 'config.py': 'KEY = 1\n', 'run.py': '' });
  const fn = path.join(project.root, 'functions', 'faasohard-modes');
  await fs.chmod(path.join(fn, 'config.py'), 0o600);
  await fs.chmod(path.join(fn, 'run.py'), 0o700);
  const dir = path.join(project.root, 'out-modes');
  const r = await runScript('export', ['faasohard-modes', dir], project.env);
  assert.is(r.code, 0, r.output);
  const modes = await listing(dir);
  for (const want of ['app/config.py 600', 'function/config.py 600', 'app/run.py 700', 'app/handler.py 644'])
    assert.ok(modes.includes(want), `${want} not in ${modes.join(', ')}`);
  assert.match(r.stdout, /kept 4 file\(s\) as private as in the function folder: app\/config\.py \(0600\)/);
});

test('export onto an existing file, or a non-empty folder, is a clear error that changes nothing', async () => {
  await writeFunction(project.root, 'faasohard-target', ok);
  const file = path.join(project.root, 'taken.txt');
  await fs.writeFile(file, 'mine\n');
  const r = await runScript('export', ['faasohard-target', file], project.env);
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /taken\.txt: exists and is not a folder/);
  assert.match(r.stderr, /export never overwrites/);
  assert.not.match(r.output, /internal error/i);
  assert.is(await fs.readFile(file, 'utf8'), 'mine\n');

  const full = path.join(project.root, 'full');
  await fs.outputFile(path.join(full, 'keep.txt'), 'x');
  const f = await runScript('export', ['faasohard-target', full], project.env);
  assert.is(f.code, 1, f.output);
  assert.match(f.stderr, /full: folder exists and is not empty/);
  assert.equal(await fs.readdir(full), ['keep.txt']);
});

test('a function folder linked from outside the project never builds', async () => {
  const elsewhere = await tempProject();
  try {
    await writeFunction(elsewhere.root, 'x', ok);
    await fs.symlink(
      path.join(elsewhere.root, 'functions', 'x'),
      path.join(project.root, 'functions', 'faasohard-link'),
    );
    const r = await runScript('export', ['faasohard-link', path.join(project.root, 'out-link')], project.env);
    assert.is(r.code, 1, r.output);
    assert.match(r.stderr, /functions\/faasohard-link points outside the project/);
    assert.not.ok(await fs.pathExists(path.join(project.root, 'out-link')));
  } finally {
    await elsewhere.cleanup();
  }
});

test.run();
