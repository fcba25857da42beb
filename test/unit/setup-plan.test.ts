import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  builderAlias,
  clientPackage,
  missingClientError,
  missingPlugins,
  needsBuildxAlias,
  planEngine,
  planPlugins,
} from '../../src/setup/plan.ts';
import type { EngineFacts, PluginFacts } from '../../src/setup/facts.ts';
import { throwsUser } from './throws-user.ts';

const engine = (over: Partial<EngineFacts>): EngineFacts => ({
  debian: true,
  root: true,
  answers: false,
  infoError: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  cli: true,
  dockerd: '/usr/sbin/dockerd',
  dockerdRunning: false,
  ...over,
});

test('engine that answers: nothing to do (quiet)', () => {
  assert.equal(planEngine(engine({ answers: true })), []);
  assert.equal(planEngine(engine({ answers: true, root: false, debian: false })), []);
});

test('installed but stopped, as root: start dockerd then wait', () => {
  assert.equal(planEngine(engine({})), [{ kind: 'start-dockerd', dockerd: '/usr/sbin/dockerd' }, { kind: 'wait' }]);
});

test('dockerd already running but not answering yet: only wait', () => {
  assert.equal(planEngine(engine({ dockerdRunning: true })), [{ kind: 'wait' }]);
});

test('not installed on Debian as root: apt-get install docker.io and the client, start, wait', () => {
  assert.equal(planEngine(engine({ cli: false, dockerd: null })), [
    { kind: 'apt-install', packages: ['docker.io'], client: true },
    { kind: 'start-dockerd', dockerd: '/usr/sbin/dockerd' },
    { kind: 'wait' },
  ]);
  // A lone client (no daemon): docker.io only.
  assert.equal(planEngine(engine({ dockerd: null }))[0], {
    kind: 'apt-install',
    packages: ['docker.io'],
    client: false,
  });
});

test('trixie without Recommends: dockerd installed, no docker command → install the client, start, wait', () => {
  assert.equal(planEngine(engine({ cli: false, infoError: 'the `docker` command is not on PATH' })), [
    { kind: 'apt-install', packages: [], client: true },
    { kind: 'start-dockerd', dockerd: '/usr/sbin/dockerd' },
    { kind: 'wait' },
  ]);
});

test('a dockerd already runs: never a second one, whatever is missing', () => {
  for (const over of [{ cli: false }, { cli: false, dockerd: null }, { dockerd: null }, {}] as Partial<EngineFacts>[]) {
    const actions = planEngine(engine({ ...over, dockerdRunning: true }));
    assert.not.ok(
      actions.some((a) => a.kind === 'start-dockerd'),
      JSON.stringify(over),
    );
    assert.equal(actions.at(-1), { kind: 'wait' });
  }
  assert.equal(planEngine(engine({ cli: false, dockerdRunning: true })), [
    { kind: 'apt-install', packages: [], client: true },
    { kind: 'wait' },
  ]);
});

test('dockerd without the docker command, not root: names the missing command and docker-cli', () => {
  const e = throwsUser(() => planEngine(engine({ cli: false, root: false, dockerdRunning: true })));
  assert.match(e.message, /^dockerd is installed and running but the `docker` command is not on PATH$/);
  assert.match(e.hint!, /apt-get install docker-cli/);
  assert.match(e.hint!, /sudo npx zx scripts\/setup\.mjs/);
  const other = throwsUser(() => planEngine(engine({ cli: false, root: false, debian: false })));
  assert.match(other.hint!, /docker-ce-cli/);
});

test('the client package: docker-cli where apt has it, else docker.io; a still-missing command is explained', () => {
  assert.is(clientPackage(true), 'docker-cli');
  assert.is(clientPackage(false), 'docker.io');
  const e = missingClientError(['docker-cli', 'docker.io']);
  assert.match(e.message, /the `docker` command is still missing after installing docker-cli, docker\.io/);
  assert.match(e.hint, /apt-get install docker-cli/);
});

test('not installed, not Debian: UserError naming Docker Engine, compose and buildx', () => {
  const e = throwsUser(() => planEngine(engine({ cli: false, dockerd: null, debian: false })));
  assert.match(e.message, /Docker Engine is not installed \(the docker client and dockerd not found\)/);
  assert.match(e.hint!, /compose and buildx plugins/);
  assert.match(e.hint!, /docs\.docker\.com\/engine\/install/);
  assert.match(e.hint!, /docker-compose-plugin/);
});

test('not installed on Debian without root: asks for sudo', () => {
  const e = throwsUser(() => planEngine(engine({ cli: false, dockerd: null, root: false })));
  assert.match(e.message, /needs root/);
  assert.match(e.hint!, /sudo npx zx scripts\/setup\.mjs/);
});

test("installed but not answering, not root: says how to start it, with docker info's reason", () => {
  const e = throwsUser(() => planEngine(engine({ root: false })));
  assert.match(e.message, /installed but does not answer \(Cannot connect/);
  assert.match(e.hint!, /systemctl start docker/);
  assert.match(e.hint!, /docker group/);
});

const plugins = (over: Partial<PluginFacts>): PluginFacts => ({
  debian: true,
  root: true,
  compose: true,
  buildx: true,
  apt: true,
  ...over,
});

test('plugins: both present → nothing; missing ones → their Debian packages, sorted', () => {
  assert.equal(planPlugins(plugins({})), []);
  assert.equal(planPlugins(plugins({ compose: false })), ['docker-compose']);
  assert.equal(planPlugins(plugins({ buildx: false })), ['docker-buildx']);
  assert.equal(planPlugins(plugins({ compose: false, buildx: false })), ['docker-buildx', 'docker-compose']);
  // The download writes to the user's own plugin dir: root is not needed.
  assert.equal(planPlugins(plugins({ compose: false, root: false })), ['docker-compose']);
});

test('plugins missing where apt cannot help: UserError with instructions', () => {
  const e = throwsUser(() => planPlugins(plugins({ compose: false, buildx: false, debian: false })));
  assert.match(e.message, /docker buildx and docker compose are missing/);
  assert.match(e.hint!, /docker-compose-plugin and docker-buildx-plugin/);
  assert.match(e.hint!, /~\/\.docker\/cli-plugins/);
  const one = throwsUser(() => planPlugins(plugins({ buildx: false, apt: false })));
  assert.match(one.message, /docker buildx is missing/);
  // Nothing missing is fine even on a non-Debian host.
  assert.equal(planPlugins(plugins({ debian: false, apt: false })), []);
});

test('missingPlugins is the non-throwing check used after installing', () => {
  assert.equal(missingPlugins({ compose: false, buildx: true }), ['docker-compose']);
  assert.equal(missingPlugins({ compose: true, buildx: true }), []);
});

test('docker build → buildx alias only for clients before 23.0 that lack it', () => {
  assert.ok(needsBuildxAlias('20.10.24+dfsg1', undefined));
  assert.ok(needsBuildxAlias('19.03.15', 'something-else'));
  assert.not.ok(needsBuildxAlias('20.10.24+dfsg1', 'buildx'));
  assert.not.ok(needsBuildxAlias('28.5.1', undefined));
  assert.not.ok(needsBuildxAlias('23.0.0', undefined));
  // Unknown version (client missing): not our call here.
  assert.not.ok(needsBuildxAlias('', undefined));
});

test('builderAlias reads aliases.builder from config.json text', () => {
  assert.is(builderAlias('{"auths":{},"aliases":{"builder":"buildx"}}'), 'buildx');
  assert.is(builderAlias('{"auths":{}}'), undefined);
  assert.is(builderAlias(null), undefined);
  assert.is(builderAlias('not json'), undefined);
  assert.is(builderAlias('{"aliases":{"builder":3}}'), undefined);
});

test.run();
