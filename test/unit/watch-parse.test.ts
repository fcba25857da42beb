import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../src/errors.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { expectedServices } from '../../src/watch/parse.ts';
import { parseContainers } from '../../src/stack/inspect.ts';
import { actionArgv, actionVerb, composeCreate } from '../../src/watch/argv.ts';
import { dockerRestart } from '../../src/docker/argv.ts';
import { formatEvent, isoSeconds } from '../../src/watch/format.ts';
import { goldenPlan } from '../fixtures/compose/plan.ts';

const test = suite('watch-parse');
const HERE = path.dirname(fileURLToPath(import.meta.url));

test('expected services of the golden compose file: every function with its replicas, and both proxies, sorted', () => {
  const text = fs.readFileSync(path.join(HERE, '..', 'fixtures', 'compose', 'docker-compose.yml'), 'utf8');
  assert.equal(expectedServices(text, 'compose/docker-compose.yml'), [
    { service: 'hello', fn: 'hello', role: 'function', replicas: 1 },
    { service: 'multiply', fn: 'multiply', role: 'function', replicas: 1 },
    { service: 'ports', fn: '', role: 'ports', replicas: 1 },
    { service: 'proxy', fn: '', role: 'proxy', replicas: 1 },
    { service: 'sum', fn: 'sum', role: 'function', replicas: 3 },
  ]);
});

test('replicas are the rendered scale of each function', () => {
  const plan = goldenPlan();
  plan.services = plan.services.map((s) => ({ ...s, replicas: s.name === 'hello' ? 32 : s.replicas }));
  assert.equal(
    expectedServices(renderCompose(plan), 'x').map((e) => [e.service, e.replicas]),
    [
      ['hello', 32],
      ['multiply', 1],
      ['ports', 1],
      ['proxy', 1],
      ['sum', 3],
    ],
  );
});

test('labels as a list, foreign services and services without labels', () => {
  const text = [
    'services:',
    '  a:',
    '    labels: ["faaso.role=function", "faaso.function=alpha"]',
    '    scale: 4',
    '  b:',
    '    labels: {faaso.role: standby, faaso.function: a}',
    '  redis:',
    '    image: redis',
    '  c:',
    '    labels: ["faaso.role=function"]',
  ].join('\n');
  assert.equal(expectedServices(text, 'x'), [
    { service: 'a', fn: 'alpha', role: 'function', replicas: 4 },
    { service: 'c', fn: 'c', role: 'function', replicas: 1 },
  ]);
  assert.equal(expectedServices('services: {}\n', 'x'), []);
});

test('a broken compose file is a ValidationError naming the file', () => {
  try {
    expectedServices('services: [\n', 'compose/docker-compose.yml');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ValidationError);
    assert.match((err as Error).message, /^compose\/docker-compose\.yml: line/);
  }
});

const inspect = (
  over: Record<string, unknown> = {},
  state: Record<string, unknown> = {},
  labels: Record<string, string> = {},
) => ({
  Id: '923e3abe557767d4ebc0adeebdf59903dd5aaaa538e7e583d2a2b5bde46537cf',
  Name: '/faaso-sum-1',
  Created: '2026-11-25T20:37:11.499715303Z',
  RestartCount: 2,
  Config: {
    Labels: {
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project': 'faaso',
      'com.docker.compose.service': 'sum',
      'com.docker.compose.container-number': '1',
      'faaso.function': 'sum',
      'faaso.role': 'function',
      ...labels,
    },
  },
  State: {
    Status: 'running',
    StartedAt: '2026-11-25T20:37:13.179752405Z',
    ExitCode: 0,
    OOMKilled: false,
    Health: { Status: 'healthy', FailingStreak: 1 },
    ...state,
  },
  NetworkSettings: {
    Ports: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '8460' }] },
    Networks: { faaso_faaso: { IPAddress: '172.18.0.5' } },
  },
  ...over,
});

test('docker inspect → observations', () => {
  const json = JSON.stringify([
    inspect(),
    inspect(
      {
        Id: 'bbbbbbbbbbbbbbbb',
        Name: '/faaso-proxy-1',
        Config: { Labels: { 'com.docker.compose.service': 'proxy', 'faaso.role': 'proxy' } },
        NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '8460' }] }, Networks: {} },
      },
      { Status: 'created', StartedAt: '0001-01-01T00:00:00Z', ExitCode: 137, OOMKilled: true, Health: null },
    ),
    inspect({ Name: '/faaso-sum-run-1' }, {}, { 'com.docker.compose.oneoff': 'True' }),
  ]);
  assert.equal(parseContainers(json), [
    {
      id: 'bbbbbbbbbbbb',
      name: 'faaso-proxy-1',
      service: 'proxy',
      number: 0,
      role: 'proxy',
      fn: '',
      status: 'created',
      health: 'none',
      failingStreak: 0,
      restarts: 2,
      startedAt: 0,
      createdAt: Date.parse('2026-11-25T20:37:11.499Z'),
      exitCode: 137,
      oomKilled: true,
      image: '',
      hash: '',
      config: '',
      published: ['127.0.0.1:8460'],
      ip: '',
      pingUrl: null,
      pingFailed: false, // only functions are pinged
    },
    {
      id: '923e3abe5577',
      name: 'faaso-sum-1',
      service: 'sum',
      number: 1,
      role: 'function',
      fn: 'sum',
      status: 'running',
      health: 'healthy',
      failingStreak: 1,
      restarts: 2,
      startedAt: Date.parse('2026-11-25T20:37:13.179Z'),
      createdAt: Date.parse('2026-11-25T20:37:11.499Z'),
      exitCode: 0,
      oomKilled: false,
      image: '',
      hash: '',
      config: '',
      published: ['127.0.0.1:8460'],
      ip: '172.18.0.5',
      // Each replica's own /ping, at its container address: the host reaches Docker's bridge networks.
      pingUrl: 'http://172.18.0.5:3000/ping',
      pingFailed: false,
    },
  ]);
  assert.equal(parseContainers('[]'), []);
});

const target = { dir: '/srv/faaso/compose', project: 'faaso' };

test('actions → argv: compose creates what is missing (never recreating), docker start, rm -f + create, unpause + restart -t 1', () => {
  const create = [
    'docker',
    'compose',
    '-f',
    '/srv/faaso/compose/docker-compose.yml',
    '-p',
    'faaso',
    'up',
    '-d',
    '--no-deps',
    '--no-recreate',
    'sum',
  ];
  assert.equal(composeCreate(target, 'sum'), create);
  assert.equal(actionArgv(target, { kind: 'create', service: 'sum', reason: 'missing' }), [
    { argv: create, mayFail: false },
  ]);
  assert.equal(actionArgv(target, { kind: 'replace', service: 'sum', replica: 2, container: 'abc', reason: 'dead' }), [
    { argv: ['docker', 'rm', '-f', 'abc'], mayFail: false },
    { argv: create, mayFail: false },
  ]);
  assert.equal(actionArgv(target, { kind: 'start', service: 'sum', container: 'abc', reason: 'stopped' }), [
    { argv: ['docker', 'start', 'abc'], mayFail: false },
  ]);
  assert.equal(actionArgv(target, { kind: 'restart', service: 'sum', container: 'abc', unpause: false, reason: 'x' }), [
    { argv: ['docker', 'restart', '-t', '1', 'abc'], mayFail: false },
  ]);
  assert.equal(
    actionArgv(target, { kind: 'restart', service: 'sum', container: 'abc', unpause: true, reason: 'x' }, 5),
    [
      { argv: ['docker', 'unpause', 'abc'], mayFail: true },
      { argv: ['docker', 'restart', '-t', '5', 'abc'], mayFail: false },
    ],
  );
  assert.equal(dockerRestart('c', 1), ['docker', 'restart', '-t', '1', 'c']);
});

test('action verbs', () => {
  assert.equal(
    [
      actionVerb({ kind: 'create', service: 's', reason: '' }),
      actionVerb({ kind: 'replace', service: 's', container: 'c', reason: '' }),
      actionVerb({ kind: 'start', service: 's', container: 'c', reason: '' }),
      actionVerb({ kind: 'restart', service: 's', container: 'c', unpause: false, reason: '' }),
      actionVerb({ kind: 'restart', service: 's', container: 'c', unpause: true, reason: '' }),
    ],
    ['created', 'recreated', 'started', 'restarted', 'unpaused and restarted'],
  );
});

test('event lines: UTC to the second, service or stack; --json: one object per line', () => {
  const at = Date.parse('2026-11-25T20:40:01.734Z');
  assert.is(isoSeconds(at), '2026-11-25T20:40:01Z');
  const e = {
    at,
    service: 'sum',
    kind: 'action' as const,
    message: 'unhealthy 3 checks in a row → restarted (0.8s)',
    seconds: 0.8123,
    ok: true,
  };
  assert.is(formatEvent(e, 'faaso', false), '2026-11-25T20:40:01Z sum: unhealthy 3 checks in a row → restarted (0.8s)');
  assert.is(
    formatEvent({ at, service: null, kind: 'docker-unreachable', message: 'Docker is not reachable' }, 'faaso', false),
    '2026-11-25T20:40:01Z stack faaso: Docker is not reachable',
  );
  assert.equal(JSON.parse(formatEvent(e, 'faaso', true)), {
    time: '2026-11-25T20:40:01Z',
    project: 'faaso',
    service: 'sum',
    event: 'action',
    message: 'unhealthy 3 checks in a row → restarted (0.8s)',
    seconds: 0.81,
    ok: true,
  });
  assert.not.ok(formatEvent(e, 'faaso', true).includes('\n'));
  // A replica of a service that wants several: SERVICE-N, and its number on its own.
  const r = { ...e, service: 'sum', replica: 2, message: 'unhealthy 2 checks in a row → restarted (1.2s)' };
  assert.is(
    formatEvent(r, 'faaso', false),
    '2026-11-25T20:40:01Z sum-2: unhealthy 2 checks in a row → restarted (1.2s)',
  );
  assert.equal(JSON.parse(formatEvent(r, 'faaso', true)), {
    time: '2026-11-25T20:40:01Z',
    project: 'faaso',
    service: 'sum-2',
    replica: 2,
    event: 'action',
    message: 'unhealthy 2 checks in a row → restarted (1.2s)',
    seconds: 0.81,
    ok: true,
  });
});

test.run();
