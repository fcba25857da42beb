// User files faaso reads as text have a size cap and must be regular files:
// a huge or endless file is one clear problem, never all of memory or a hang.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { formatProblem, ValidationError } from '../../src/errors.ts';
import { readTextCapped, TEXT_FILE_MAX } from '../../src/util/read-text.ts';
import { loadStackConfig } from '../../src/stack/config/load.ts';
import { loadFunction } from '../../src/function/load.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'faasohard-read-'));
  dirs.push(d);
  return d;
};
test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const tooBig = `file is ${TEXT_FILE_MAX + 1} bytes (1.0 MB); faaso reads at most ${TEXT_FILE_MAX} bytes (1.0 MB) from it: is this the right file?`;

test('a file up to the cap is read; one byte more is a problem naming the file', async () => {
  const d = tmp();
  fs.writeFileSync(path.join(d, 'ok.yml'), 'x'.repeat(TEXT_FILE_MAX));
  fs.writeFileSync(path.join(d, 'big.yml'), 'x'.repeat(TEXT_FILE_MAX + 1));
  const ok = await readTextCapped(path.join(d, 'ok.yml'), 'ok.yml');
  assert.is('text' in ok && ok.text.length, TEXT_FILE_MAX);
  assert.equal(await readTextCapped(path.join(d, 'big.yml'), 'big.yml'), {
    problem: { file: 'big.yml', field: '', message: tooBig },
  });
});

test('a sparse 3 GB file is refused without reading it', async () => {
  const d = tmp();
  const fd = fs.openSync(path.join(d, 'huge.yml'), 'w');
  fs.ftruncateSync(fd, 3e9);
  fs.closeSync(fd);
  const r = await readTextCapped(path.join(d, 'huge.yml'), 'huge.yml');
  assert.ok('problem' in r && /^file is 3000000000 bytes \(3\.00 GB\)/.test(r.problem.message));
});

test('a FIFO is not waited on: it is not a regular file', async () => {
  const d = tmp();
  assert.is((await run(['mkfifo', path.join(d, 'fifo.yml')])).exitCode, 0);
  assert.equal(await readTextCapped(path.join(d, 'fifo.yml'), 'fifo.yml'), {
    problem: { file: 'fifo.yml', field: '', message: 'is not a regular file' },
  });
});

test('faaso.yml and function.yml over the cap: one problem each, naming the file', async () => {
  const root = tmp();
  fs.mkdirSync(path.join(root, 'functions/sum'), { recursive: true });
  fs.writeFileSync(path.join(root, 'faaso.yml'), `routes: {/sum: sum}\n#${'x'.repeat(TEXT_FILE_MAX)}\n`);
  fs.writeFileSync(path.join(root, 'functions/sum/function.yml'), `runtime: python\n#${'x'.repeat(TEXT_FILE_MAX)}\n`);
  fs.writeFileSync(path.join(root, 'functions/sum/handler.py'), '');
  const messages = async (p: Promise<unknown>): Promise<string[]> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, ValidationError);
    return (err as ValidationError).problems.map(formatProblem);
  };
  assert.equal(await messages(loadStackConfig(root, { functions: ['sum'] })), [
    `faaso.yml: file is ${TEXT_FILE_MAX + 22} bytes (1.0 MB); faaso reads at most ${TEXT_FILE_MAX} bytes (1.0 MB) from it: is this the right file?`,
  ]);
  const runtimes = new Map([
    [
      'python',
      {
        name: 'python',
        dir: '/t',
        description: 'py',
        handler: 'handler.py',
        ship: [],
        packages: { build: [], run: [] },
        cmd: ['x'],
        healthcheck: ['x'],
      },
    ],
  ]);
  assert.equal(await messages(loadFunction(root, 'sum', runtimes)), [
    `functions/sum/function.yml: file is ${TEXT_FILE_MAX + 18} bytes (1.0 MB); faaso reads at most ${TEXT_FILE_MAX} bytes (1.0 MB) from it: is this the right file?`,
  ]);
});

test.run();
