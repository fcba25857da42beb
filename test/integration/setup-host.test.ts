// setup's engine step on a fresh Debian trixie host with Recommends off (as in
// minimal and automated installs, and faaso's own debootstrapped base image):
// there, docker.io no longer brings the `docker` command (docker-cli is only
// recommended). The "host" is a throwaway container of debian:trixie-slim that
// may run its own dockerd (the nested-daemon flags of the Swarm test), with this
// checkout and the host's node mounted read-only. Nothing is installed on the
// machine running the tests.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { BASE_IMAGE } from '../../src/settings.ts';
import { REPO, docker, dockerOk, requireDocker } from './helpers.ts';
import { NESTED_DOCKER_FLAGS } from '../fixtures/nested-docker.ts';

const test = suite('setup on a fresh trixie host');
const NAME = `faaso-it-setup-host-${process.pid}`;

const inHost = (script: string, timeoutMs = 300_000) =>
  run(['docker', 'exec', NAME, 'bash', '-c', script], { timeoutMs });
const setupEngine = (env = '') => inHost(`cd /faaso && ${env} node --import tsx test/fixtures/setup/engine.ts 2>&1`);
// No procps in the slim image: count processes named dockerd in /proc.
const dockerdCount = async () =>
  Number((await inHost('cat /proc/[0-9]*/comm 2>/dev/null | grep -cx dockerd')).stdout.trim());

test.before(async () => {
  await requireDocker();
  await dockerOk('rm', '-f', NAME);
  const node = (await run(['sh', '-c', 'command -v node'])).stdout.trim();
  await docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--label',
    'faaso.test=1',
    ...NESTED_DOCKER_FLAGS,
    '-v',
    `${REPO}:/faaso:ro`,
    '-v',
    `${node}:/usr/local/bin/node:ro`,
    BASE_IMAGE,
    'sleep',
    'infinity',
  );
  // What a VM has and a container lacks: writable /sys and cgroup hierarchies for dockerd.
  const prep = await inHost(
    'mount -o remount,rw /sys && for d in /sys/fs/cgroup/*; do mount -o remount,bind,rw "$d" 2>/dev/null || true; done',
  );
  assert.is(prep.exitCode, 0, prep.stderr);
});

test.after(async () => {
  await dockerOk('rm', '-f', NAME);
});

test('the base image turns Recommends off, like minimal installs', async () => {
  const r = await inHost('apt-config dump APT::Install-Recommends');
  assert.match(r.stdout, /APT::Install-Recommends "false";/);
  assert.is((await inHost('command -v docker dockerd')).stdout.trim(), '');
});

test('setup installs docker.io and docker-cli, starts one dockerd, and the engine answers', async () => {
  const r = await setupEngine();
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /docker: installing docker-cli, docker\.io with apt-get/);
  assert.match(r.stdout, /docker: engine answers/);
  assert.is((await inHost('docker info --format "{{.ServerVersion}}"')).exitCode, 0);
  assert.is(await dockerdCount(), 1);
});

test('run again: silent, and still one dockerd', async () => {
  const r = await setupEngine();
  assert.is(r.exitCode, 0, r.stdout);
  assert.is(r.stdout.trim(), '');
  assert.is(await dockerdCount(), 1);
});

test('dockerd running but the docker command removed: installs docker-cli only, starts no second dockerd', async () => {
  const rm = await inHost('apt-get remove -y docker-cli >/dev/null 2>&1; command -v docker || echo gone');
  assert.match(rm.stdout, /gone/);
  const r = await setupEngine();
  assert.is(r.exitCode, 0, r.stdout);
  assert.match(r.stdout, /docker: installing docker-cli with apt-get/);
  assert.not.match(r.stdout, /starting \/usr\/sbin\/dockerd/);
  assert.is(await dockerdCount(), 1);
});

test('no docker command and apt cannot fetch it: the real cause, not a timeout; still one dockerd', async () => {
  await inHost('apt-get remove -y docker-cli >/dev/null 2>&1; rm -rf /var/lib/apt/lists/*');
  // An unreachable mirror: apt-get update fails at once.
  const r = await setupEngine(
    'mv /etc/apt/sources.list.d /etc/apt/sld.off 2>/dev/null; mv /etc/apt/sources.list /etc/apt/sl.off 2>/dev/null; echo "deb http://127.0.0.1:9/debian trixie main" >/etc/apt/sources.list;',
  );
  await inHost(
    'mv /etc/apt/sl.off /etc/apt/sources.list 2>/dev/null; mv /etc/apt/sld.off /etc/apt/sources.list.d 2>/dev/null; true',
  );
  assert.is(r.exitCode, 1, r.stdout);
  // apt-get update exits 0 after a failed fetch (a stale third-party source must not
  // block setup); with no list, apt knows no docker-cli: the message says what is
  // missing and what apt could not fetch.
  assert.match(r.stdout, /^error: the `docker` command is still missing after installing docker\.io/m, r.stdout);
  assert.match(r.stdout, /apt-get said:\n.*Failed to fetch http:\/\/127\.0\.0\.1:9\/debian/);
  assert.match(r.stdout, /^hint: .*apt-get install docker-cli/m);
  assert.not.match(r.stdout, /did not answer within|internal error/);
  assert.is(await dockerdCount(), 1);
  // The same without root: the message names the missing command and the package.
  const user = await inHost(
    'cd /faaso && setpriv --reuid=65534 --regid=65534 --clear-groups node --import tsx test/fixtures/setup/engine.ts 2>&1',
  );
  assert.is(user.exitCode, 1, user.stdout);
  assert.match(user.stdout, /^error: dockerd is installed and running but the `docker` command is not on PATH$/m);
  assert.match(user.stdout, /^hint: .*apt-get install docker-cli/m);
});

test.run();
