// The bundled examples end to end on the real engine: build + test + push all
// three, pull them back from the registry, and serve each with plain `docker run`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manifestDigest } from '../../src/registry/api.ts';
import { run } from '../../src/exec/runner.ts';
import { parseExecLog } from '../../bench/lib/exec-log.ts';
import { docker, dockerOk, freePort, httpGet, requireDocker, runScript, waitFor } from './helpers.ts';

const test = suite('examples');
const images = new Map<string, string>();

interface Call {
  path: string;
  init?: RequestInit;
  status: number;
  body: (b: string) => void;
}

const calls: Record<string, Call> = {
  sum: {
    path: '/',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: [1, 2, 3.5] }),
    },
    status: 200,
    body: (b) => assert.equal(JSON.parse(b), { sum: 6.5 }),
  },
  multiply: {
    path: '/',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ factors: ['0.1', '0.2', 3] }),
    },
    status: 200,
    body: (b) => assert.equal(JSON.parse(b), { product: '0.06' }),
  },
  hello: { path: '/?name=Ada', status: 200, body: (b) => assert.is(b.trim(), 'Hello, Ada!') },
};

test.before(async () => {
  await requireDocker();
});

test('build --all builds, tests and pushes the three examples', async () => {
  const r = await runScript('build', ['--all']);
  assert.is(r.code, 0, r.output);
  for (const name of ['sum', 'multiply', 'hello']) {
    const m = new RegExp(`✓ ${name}: (built|up to date) in [0-9.]+s — (\\S+) \\(`).exec(r.stdout);
    assert.ok(m, `no summary line for ${name}:\n${r.stdout}`);
    images.set(name, m![2]!);
  }
});

test('every image is in the registry under its content tag and latest', async () => {
  for (const [name, ref] of images) {
    const tag = ref.split(':').pop()!;
    const digest = await manifestDigest('127.0.0.1:5000', name, tag);
    assert.ok(digest, `${ref} not in the registry`);
    assert.is(await manifestDigest('127.0.0.1:5000', name, 'latest'), digest, `${name}:latest is not the new build`);
  }
});

test('images pulled back from the registry serve with plain docker run', async () => {
  for (const [name, ref] of images) {
    // Drop the local copy so the pull is real.
    await dockerOk('rmi', ref);
    await docker('pull', ref);
    const port = await freePort();
    const container = `faaso-it-plain-${name}`;
    await dockerOk('rm', '-f', container);
    await docker('run', '-d', '--name', container, '-p', `127.0.0.1:${port}:3000`, ref);
    try {
      await waitFor(`${name} /ping`, async () => (await httpGet(`http://127.0.0.1:${port}/ping`)).status === 200);
      // curl, as a user would; then the function's own request.
      const pong = await run(['curl', '-sS', '--fail', `http://127.0.0.1:${port}/ping`]);
      assert.is(pong.stdout, 'pong', pong.stderr);
      const call = calls[name]!;
      const res = await httpGet(`http://127.0.0.1:${port}${call.path}`, call.init);
      assert.is(res.status, call.status, `${name}: ${res.body}`);
      call.body(res.body);
      // The image's own HEALTHCHECK turns healthy.
      await waitFor(
        `${name} healthy`,
        async () => (await docker('inspect', '-f', '{{.State.Health.Status}}', container)) === 'healthy',
        45_000,
      );
      // SIGTERM ends it cleanly: exit 0 (or 143), never the SIGKILL of a stop timeout (137).
      await docker('stop', '-t', '5', container);
      const exit = await docker('inspect', '-f', '{{.State.ExitCode}}', container);
      assert.ok(exit === '0' || exit === '143', `${name} exited with ${exit} on SIGTERM`);
    } finally {
      await dockerOk('rm', '-f', container);
    }
  }
});

test('images run as a non-root user and carry no CA bundle', async () => {
  const caSha = (await import('node:crypto'))
    .createHash('sha256')
    .update(await (await import('fs-extra')).default.readFile('/etc/ssl/certs/ca-certificates.crt'))
    .digest('hex');
  for (const [name, ref] of images) {
    assert.is(await docker('run', '--rm', '--entrypoint', 'id', ref, '-u'), '10001', `${name} runs as root`);
    const sums = await docker(
      'run',
      '--rm',
      '--entrypoint',
      'sh',
      ref,
      '-c',
      'find / -xdev -type f -size +50k 2>/dev/null | xargs -r sha256sum; ls /run/secrets 2>/dev/null || true',
    );
    assert.not.ok(sums.includes(caSha), `${name}: the host CA bundle is inside the image`);
    assert.not.match(sums, /^ca$/m, `${name}: /run/secrets/ca left in the image`);
  }
});

test('a second build of unchanged functions is up to date: no docker build, one inspect for all three', async () => {
  const logFile = path.join(os.tmpdir(), `faaso-it-exec-${process.pid}.jsonl`);
  try {
    const r = await runScript('build', ['--all'], { FAASO_EXEC_LOG: logFile });
    assert.is(r.code, 0, r.output);
    assert.is((r.stdout.match(/: up to date in/g) ?? []).length, 3, r.stdout);
    assert.not.match(r.stdout, /building/);
    const docker = parseExecLog(fs.readFileSync(logFile, 'utf8')).filter((e) => e.argv[0] === 'docker');
    assert.not.ok(
      docker.some((e) => e.argv[1] === 'build' || e.argv[1] === 'push'),
      `no build, no push: ${JSON.stringify(docker.map((e) => e.argv.slice(0, 4)))}`,
    );
    const inspects = docker.filter((e) => e.argv[1] === 'image' && e.argv[2] === 'inspect');
    assert.is(inspects.length, 1, JSON.stringify(inspects.map((e) => e.argv)));
    assert.equal(inspects[0]!.argv.slice(-3).sort(), [...images.values()].sort());
  } finally {
    fs.rmSync(logFile, { force: true });
  }
});

test.run();
