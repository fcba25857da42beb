// Drives ensureBaseImage against the real Docker engine: the silent no-op, the
// failure path with an injected missing debootstrap, and a real debootstrap build
// under a throwaway tag (~25 s here; never touches debian:trixie-slim).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/errors.ts';
import { run } from '../../src/exec/runner.ts';
import { ensureBaseImage } from '../../src/base/ensure.ts';
import { BASE_IMAGE } from '../../src/settings.ts';

const MISSING = 'faaso-test/no-such-base:1';
const BUILT = 'faaso-test/base:trixie';

async function requireDocker(): Promise<void> {
  const r = await run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  if (r.exitCode !== 0) {
    throw new Error(
      `integration tests need a running Docker engine, but \`docker info\` failed: ${r.stderr.trim()} — run \`npx zx scripts/setup.mjs\``,
    );
  }
}

async function imageExists(ref: string): Promise<boolean> {
  return (await run(['docker', 'image', 'inspect', ref])).exitCode === 0;
}

test('present base image: silent no-op', async () => {
  await requireDocker();
  assert.ok(await imageExists(BASE_IMAGE), `${BASE_IMAGE} should exist (setup makes it)`);
  const lines: string[] = [];
  const started = Date.now();
  const r = await ensureBaseImage({ log: (l) => lines.push(l) });
  assert.is(r.action, 'present');
  assert.is(r.image, BASE_IMAGE);
  assert.ok(r.size > 10e6);
  assert.equal(lines, []);
  assert.ok(Date.now() - started < 5000, 'a present image costs one inspect');
});

test('missing image, no pull, injected missing debootstrap: UserError naming debootstrap with a fix', async () => {
  await requireDocker();
  assert.not.ok(await imageExists(MISSING));
  const lines: string[] = [];
  let caught: unknown;
  try {
    await ensureBaseImage({
      image: MISSING,
      debootstrap: '/nonexistent/faaso-test/debootstrap',
      pullTimeoutMs: 15_000,
      log: (l) => lines.push(l),
    });
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, UserError);
  const e = caught as UserError;
  assert.match(e.message, `${MISSING} is not available locally and cannot be pulled`);
  assert.match(e.message, /debootstrap \(\/nonexistent\/faaso-test\/debootstrap\) is not installed/);
  assert.match(e.hint ?? '', /apt-get install debootstrap/);
  assert.match(e.hint ?? '', `docker save ${MISSING}`);
  assert.match(e.hint ?? '', /docker load -i/);
  // It said what it tried before giving up, and left nothing behind.
  assert.match(lines.join('\n'), /not found locally and cannot be pulled \(.+\); building it with debootstrap/);
  assert.not.ok(await imageExists(MISSING));
});

test('builds a slim trixie base image with debootstrap under a test tag', async () => {
  await requireDocker();
  await run(['docker', 'rmi', '-f', BUILT]); // leftover of an interrupted run
  const lines: string[] = [];
  try {
    const r = await ensureBaseImage({ image: BUILT, pullTimeoutMs: 15_000, log: (l) => lines.push(l) });
    assert.is(r.action, 'built');
    const log = lines.join('\n');
    assert.match(log, /debootstrap done in \d+\.\ds/);
    assert.match(log, /slimmed to [\d.]+ MB/);
    assert.match(log, /imported faaso-test\/base:trixie in \d+\.\ds/);
    // Slim like the official image (~75-80 MB), not a full debootstrap (~200 MB).
    assert.ok(r.size > 40e6 && r.size < 120e6, `unexpected size ${r.size}`);

    const out = await run([
      'docker',
      'run',
      '--rm',
      BUILT,
      'sh',
      '-c',
      'cat /etc/debian_version; ls /usr/share/doc/apt; cat /etc/dpkg/dpkg.cfg.d/docker',
    ]);
    assert.is(out.exitCode, 0, out.stderr);
    assert.match(out.stdout, /^(13|trixie)/);
    assert.match(out.stdout, /^copyright$/m, 'docs are gone but copyrights stay');
    assert.match(out.stdout, /path-exclude \/usr\/share\/doc\/\*/);

    const cmd = await run(['docker', 'image', 'inspect', '--format', '{{json .Config.Cmd}}', BUILT]);
    assert.is(cmd.stdout.trim(), '["bash"]');
    // A second call is the silent no-op.
    const again: string[] = [];
    assert.is((await ensureBaseImage({ image: BUILT, log: (l) => again.push(l) })).action, 'present');
    assert.equal(again, []);
  } finally {
    await run(['docker', 'rmi', '-f', BUILT]);
  }
});

test.run();
