// Builder behaviour on throwaway projects: failing tests never replace the good
// image, code-only changes reuse dependency layers, export, new, --no-push.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { manifestDigest } from '../../src/registry/api.ts';
import {
  REPO,
  docker,
  dockerOk,
  freePort,
  httpGet,
  requireDocker,
  runScript,
  tempProject,
  waitFor,
  writeFunction,
  removeFunctionImages,
} from './helpers.ts';

const test = suite('builder');
let project: Awaited<ReturnType<typeof tempProject>>;

const calc = (value: number, expected: number) => ({
  'function.yml': `runtime: python\ntests:\n  - name: answers\n    request: {path: /}\n    expect: {json: {v: ${expected}}}\n`,
  'handler.py': `def handle(req):\n    return {"v": ${value}}\n`,
});

const imageId = (ref: string) => docker('image', 'inspect', '-f', '{{.Id}}', ref);

test.before(async () => {
  await requireDocker();
  project = await tempProject();
  // multiply under a name of our own: its builds must not move the example's tags.
  await fs.copy(path.join(REPO, 'functions', 'multiply'), path.join(project.root, 'functions', 'faasoit-mul'));
});
test.after(async () => {
  await project.cleanup();
  // Each run builds uniquely named functions: drop their images and registry tags.
  const names = (
    await docker('images', '--format', '{{.Repository}}', '--filter', 'reference=127.0.0.1:5000/faasoit-*')
  )
    .split('\n')
    .filter(Boolean)
    .map((r) => r.split('/').pop()!);
  await removeFunctionImages([...new Set(['faasoit-calc', 'faasoit-local', 'faasoit-mul', ...names])]);
});

// Unique per run, so a re-run on the same machine really builds instead of finding its image "up to date".
const RUN = randomBytes(3).toString('hex');

test('a failing test leaves the previous image, tags and registry untouched', async () => {
  await writeFunction(project.root, 'faasoit-calc', calc(1, 1));
  const good = await runScript('build', ['faasoit-calc'], project.env);
  assert.is(good.code, 0, good.output);
  const goodId = await imageId('127.0.0.1:5000/faasoit-calc:latest');
  const goodDigest = await manifestDigest('127.0.0.1:5000', 'faasoit-calc', 'latest');
  assert.ok(goodDigest);

  await writeFunction(project.root, 'faasoit-calc', calc(2, 1));
  const bad = await runScript('build', ['faasoit-calc'], project.env);
  assert.is(bad.code, 1, bad.output);
  assert.match(bad.stderr, /1 of 1 test\(s\) failed; nothing was tagged or pushed/);
  assert.match(bad.stdout, /- +"v": 1\n\s*\+ +"v": 2/); // readable diff
  assert.is(await imageId('127.0.0.1:5000/faasoit-calc:latest'), goodId);
  assert.is(await manifestDigest('127.0.0.1:5000', 'faasoit-calc', 'latest'), goodDigest);
  assert.is(await docker('images', '-q', 'faaso-candidate/faasoit-calc'), '', 'candidate image left behind');
});

test('scripts/test.mjs shows a diff and fails when the image does not pass', async () => {
  await writeFunction(project.root, 'faasoit-calc', calc(1, 3));
  const r = await runScript('test', ['faasoit-calc'], project.env);
  assert.is(r.code, 1, r.output);
  assert.match(r.stdout, /✗ answers/);
  assert.match(r.stdout, /- +"v": 3\n\s*\+ +"v": 1/);
  await writeFunction(project.root, 'faasoit-calc', calc(1, 1));
  const ok = await runScript('test', ['faasoit-calc'], project.env);
  assert.is(ok.code, 0, ok.output);
  assert.match(ok.stdout, /✓ answers/);
});

test('a code-only change reuses the dependency layers (node: npm install is CACHED)', async () => {
  const first = await runScript('build', ['faasoit-mul', '--no-push'], project.env);
  assert.is(first.code, 0, first.output);
  const handler = path.join(project.root, 'functions', 'faasoit-mul', 'handler.js');
  await fs.appendFile(handler, `\n// a one-line change ${RUN}\n`);
  const second = await runScript('build', ['faasoit-mul', '--no-push'], project.env);
  assert.is(second.code, 0, second.output);
  assert.match(second.stdout, /building/);
  // BuildKit prints "#N [build k/n] RUN … npm …" then "#N CACHED" for a reused step.
  // BuildKit's progress goes to stderr.
  const step = /^#(\d+) \[build [^\]]*\] RUN .*npm (ci|install).*$/m.exec(second.stderr);
  assert.ok(step, `no npm step in the build output:\n${second.output}`);
  assert.match(second.stderr, new RegExp(`^#${step![1]} CACHED$`, 'm'));
});

test('--no-push builds and tests without touching the registry', async () => {
  await writeFunction(project.root, 'faasoit-local', calc(5, 5));
  const r = await runScript('build', ['faasoit-local', '--no-push'], project.env);
  assert.is(r.code, 0, r.output);
  assert.not.match(r.stdout, /pushing/);
  assert.is(await manifestDigest('127.0.0.1:5000', 'faasoit-local', 'latest'), null);
});

test('export writes a context that plain docker build turns into a working image', async () => {
  const dir = path.join(project.root, 'exported');
  const r = await runScript('export', ['faasoit-local', dir], project.env);
  assert.is(r.code, 0, r.output);
  assert.ok(await fs.pathExists(path.join(dir, 'Dockerfile')));
  const again = await runScript('export', ['faasoit-local', dir], project.env);
  assert.is(again.code, 1, 'export overwrote a non-empty directory');
  await docker('build', '-q', '-t', 'faaso-it/exported:1', dir);
  const port = await freePort();
  await docker('run', '-d', '--name', 'faaso-it-exported', '-p', `127.0.0.1:${port}:3000`, 'faaso-it/exported:1');
  try {
    await waitFor('exported image', async () => (await httpGet(`http://127.0.0.1:${port}/ping`)).status === 200);
    assert.equal(JSON.parse((await httpGet(`http://127.0.0.1:${port}/`)).body), { v: 5 });
  } finally {
    await dockerOk('rm', '-f', 'faaso-it-exported');
    await dockerOk('rmi', 'faaso-it/exported:1');
  }
});

for (const runtime of ['python', 'node', 'crystal']) {
  test(`new --runtime ${runtime} scaffolds a function whose test passes, and refuses to overwrite`, async () => {
    const name = `faasoit-new-${runtime}-${RUN}`;
    const created = await runScript('new', [name, '--runtime', runtime], project.env);
    assert.is(created.code, 0, created.output);
    const built = await runScript('build', [name, '--no-push'], project.env);
    assert.is(built.code, 0, built.output);
    assert.match(built.stdout, /tests \d+\/\d+ passed/);
    const again = await runScript('new', [name, '--runtime', runtime], project.env);
    assert.is(again.code, 1);
    assert.match(again.stderr, /already exists; refusing to overwrite/);
  });
}

test.run();
