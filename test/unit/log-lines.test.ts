import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanLogLine, sinceProblem } from '../../src/stack/log-lines.ts';
import { composeLogs, containerLogsSince } from '../../src/stack/argv.ts';
import { serviceLogs } from '../../src/stack/swarm/argv.ts';

const t = { dir: '/p/compose', project: 'faaso' };

test("compose's erase-line is always dropped; colours only survive for a terminal", () => {
  const line = '\x1b[2K\x1b[36msum-1  |\x1b[0m hello \x1b]8;;http://x\x07link\x1b]8;;\x07';
  assert.is(cleanLogLine(line, false), 'sum-1  | hello link');
  assert.is(cleanLogLine(line, true), '\x1b[36msum-1  |\x1b[0m hello \x1b]8;;http://x\x07link\x1b]8;;\x07');
  assert.is(cleanLogLine('plain', false), 'plain');
});

test('--since takes what Docker takes, and names the mistake otherwise', () => {
  for (const ok of [
    '10m',
    '1h30m',
    '45s',
    '1.5h',
    '2026-11-30',
    '2026-11-30T12:00:00Z',
    '2026-11-30T12:00+01:00',
    '1796292386',
  ])
    assert.is(sinceProblem(ok), undefined, ok);
  for (const bad of ['10x', '', 'yesterday', '10 m', '-5m'])
    assert.match(sinceProblem(bad) ?? '', /expected a duration such as 10m/, bad);
});

test('logs argv: every service or some, since, follow; colour through --ansi always only for a terminal', () => {
  const base = ['docker', 'compose', '-f', '/p/compose/docker-compose.yml', '-p', 'faaso'];
  assert.equal(composeLogs(t, [], { follow: true, tail: 10, since: '10m' }), [
    ...base,
    'logs',
    '--no-color',
    '--tail',
    '10',
    '--since',
    '10m',
    '--follow',
  ]);
  assert.equal(composeLogs(t, ['sum'], { follow: false, tail: 200, color: true }), [
    ...base,
    '--ansi',
    'always',
    'logs',
    '--tail',
    '200',
    'sum',
  ]);
  assert.equal(serviceLogs('faaso_sum', { follow: true, tail: 5, since: '1h' }), [
    'docker',
    'service',
    'logs',
    '--no-task-ids',
    '--tail',
    '5',
    '--since',
    '1h',
    '--follow',
    'faaso_sum',
  ]);
  assert.equal(containerLogsSince('faaso-proxy-1', 1_796_292_386_622, true), [
    'docker',
    'logs',
    '--since',
    '1796292386',
    '--follow',
    'faaso-proxy-1',
  ]);
});

test.run();
