// What `up` and `status` print for a stack on Swarm, and the checks of
// scripts/swarm.mjs (does an engine trust the registry; what init prints). Pure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { joinInstructions, trustsRegistry } from '../../src/cluster/rules.ts';
import type { SwarmTask } from '../../src/stack/swarm/inspect.ts';
import { swarmRows, taskSummary } from '../../src/stack/swarm/rows.ts';

const task = (
  name: string,
  node: string,
  state = 'running',
  desired = 'running',
  error = '',
  since = '2 minutes ago',
): SwarmTask => ({
  id: `${name}@${node}`,
  name,
  service: name.slice(0, name.lastIndexOf('.')),
  node,
  desired,
  state,
  since,
  error,
  image: 'r/sum:1@sha256:x',
});

test('task summary: healthy of wanted with their nodes, then what the others do', () => {
  assert.is(taskSummary(2, [task('s.1', 'node2'), task('s.2', 'node1')]), '2/2 healthy on node1 node2');
  assert.is(
    taskSummary(2, [task('s.1', 'node2'), task('s.2', 'node3', 'starting')]),
    '1/2 healthy on node2, 1 starting',
  );
  assert.is(taskSummary(2, []), 'missing');
});

test('rows: per function its live tasks, replaced ones counted, the youngest uptime, URLs on the manager', () => {
  const rows = swarmRows(
    {
      bind: '0.0.0.0',
      proxy: { port: 8080 },
      services: [{ name: 'sum', port: 8101, paths: ['/sum'], image: '-', replicas: 2 }],
    },
    'faaso',
    '10.0.0.5',
    [
      {
        id: 'a',
        name: 'faaso_sum',
        short: 'sum',
        role: 'function',
        config: 'c',
        image: 'r/sum:1@sha256:abc',
        global: false,
        replicas: 2,
      },
    ],
    [
      task('faaso_sum.1', 'node2', 'running', 'running', '', '5 minutes ago'),
      task('faaso_sum.2', 'node3', 'running', 'running', '', '40 seconds ago'),
      task('faaso_sum.2', 'node1', 'failed', 'shutdown', 'task: non-zero exit (137)'),
      task('faaso_other.1', 'node1'),
    ],
  );
  const r = rows[0]!;
  assert.equal(
    [r.function, r.url, r.direct, r.image, r.health, r.restarts, r.uptime, r.running, r.healthy],
    [
      'sum',
      'http://10.0.0.5:8080/sum',
      'http://10.0.0.5:8101',
      'r/sum:1',
      '2/2 healthy on node2 node3',
      1,
      '40 seconds',
      2,
      2,
    ],
  );
  assert.equal(
    r.replicas.map((x) => [x.name, x.number, x.node, x.health]),
    [
      ['faaso_sum.1', 1, 'node2', 'healthy'],
      ['faaso_sum.2', 2, 'node3', 'healthy'],
    ],
  );
});

test('trustsRegistry: listed as insecure, or inside an insecure CIDR; not otherwise', () => {
  const config = JSON.stringify({
    IndexConfigs: { 'docker.io': { Secure: true }, '10.0.0.5:5000': { Secure: false } },
    InsecureRegistryCIDRs: ['127.0.0.0/8', '192.168.0.0/16'],
  });
  assert.ok(trustsRegistry(config, '10.0.0.5:5000'));
  assert.ok(trustsRegistry(config, '127.0.0.1:5000'));
  assert.ok(trustsRegistry(config, '192.168.7.9:5000'));
  assert.not.ok(trustsRegistry(config, '10.0.0.5:5999'));
  assert.not.ok(trustsRegistry(config, '10.0.0.6:5000'));
  assert.not.ok(trustsRegistry(JSON.stringify({}), '10.0.0.5:5000'));
});

test('init prints the join command and what faaso.yml must say', () => {
  const text = joinInstructions({ manager: '10.0.0.5:2377', token: 'SWMTKN-1-abc', registry: '10.0.0.5:5000' });
  assert.match(
    text,
    /npx zx scripts\/swarm\.mjs join --manager 10\.0\.0\.5:2377 --token SWMTKN-1-abc --registry 10\.0\.0\.5:5000/,
  );
  assert.match(text, /target: swarm\n {2}registry: 10\.0\.0\.5:5000\n {2}bind: 0\.0\.0\.0/);
});

test.run();
