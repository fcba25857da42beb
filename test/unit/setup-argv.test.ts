import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  aptInstall,
  aptScratch,
  parseDebName,
  scratchDownload,
  scratchSourcesList,
  scratchUpdate,
  startDockerd,
  userConfigDir,
  userPluginDir,
} from '../../src/setup/argv.ts';
import { seconds, tailLines } from '../../src/setup/steps.ts';
import { failureLine, firstLine } from '../../src/util/text.ts';

test('apt install: -y, packages sorted (recommends kept: debootstrap needs the keyring)', () => {
  assert.equal(aptInstall(['docker.io', 'debootstrap']), ['apt-get', 'install', '-y', 'debootstrap', 'docker.io']);
});

test('dockerd starts detached: own session, every fd redirected, values positional', () => {
  const argv = startDockerd('/usr/sbin/dockerd', '/var/log/x.log');
  assert.equal(argv.slice(0, 2), ['sh', '-c']);
  assert.match(argv[2]!, /^setsid nohup "\$1" >>"\$2" 2>&1 <\/dev\/null &$/);
  assert.equal(argv.slice(3), ['sh', '/usr/sbin/dockerd', '/var/log/x.log']);
  assert.is(startDockerd('/usr/sbin/dockerd').at(-1), '/var/log/faaso-dockerd.log');
});

test("scratch apt: only the temp dir's sources, lists and cache; system sources ignored", () => {
  const s = aptScratch('/tmp/d');
  assert.is(scratchSourcesList(), 'deb http://deb.debian.org/debian trixie main\n');
  assert.equal(scratchUpdate(s, false), [
    'apt-get',
    '-o',
    'Dir::Etc::SourceList=/tmp/d/sources.list',
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    'Dir::State::Lists=/tmp/d/lists',
    '-o',
    'Dir::Cache=/tmp/d/cache',
    'update',
  ]);
  const dl = scratchDownload(s, true, ['docker-compose', 'docker-buildx']);
  assert.ok(dl.includes('APT::Sandbox::User=root'));
  assert.equal(dl.slice(-3), ['download', 'docker-buildx', 'docker-compose']);
  assert.not.ok(dl.some((a) => a.startsWith('/etc/apt')));
});

test('plugin dir: $DOCKER_CONFIG/cli-plugins wins over ~/.docker/cli-plugins', () => {
  assert.is(userPluginDir({}, '/home/u'), '/home/u/.docker/cli-plugins');
  assert.is(userPluginDir({ DOCKER_CONFIG: '/etc/dc' }, '/home/u'), '/etc/dc/cli-plugins');
  assert.is(userPluginDir({ DOCKER_CONFIG: '  ' }, '/root'), '/root/.docker/cli-plugins');
  assert.is(userConfigDir({}, '/root'), '/root/.docker');
  assert.is(userConfigDir({ DOCKER_CONFIG: '/etc/dc' }, '/root'), '/etc/dc');
});

test('parseDebName reads name and version from apt-get download file names', () => {
  assert.equal(parseDebName('docker-compose_2.26.1-4_amd64.deb'), { name: 'docker-compose', version: '2.26.1-4' });
  assert.equal(parseDebName('docker-buildx_0.13.1+ds1-3_arm64.deb'), {
    name: 'docker-buildx',
    version: '0.13.1+ds1-3',
  });
  assert.equal(parseDebName('foo_1%3a2.0-1_all.deb'), { name: 'foo', version: '1:2.0-1' });
  assert.is(parseDebName('README'), null);
});

test('report helpers: seconds, first line, tail', () => {
  assert.is(seconds(41234), '41.2s');
  assert.is(seconds(0), '0.0s');
  assert.is(firstLine('\n\n  E: broken\nmore'), 'E: broken');
  assert.is(
    failureLine({ stderr: '\n  Error response from daemon: No such container: x\nmore\n', exitCode: 1 }),
    'Error response from daemon: No such container: x',
  );
  assert.is(failureLine({ stderr: '', exitCode: 125 }), 'exit code 125');
  assert.is(tailLines('a\n\nb\nc\n', 2), '  b\n  c');
});

test.run();
