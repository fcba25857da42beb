// The footprint bench's pure parts: sizes and `docker stats` output parsed,
// the stack's run flags, the bench containers' argv, rows and summary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  footprintRows,
  footprintSummary,
  parseMemUsage,
  parseSize,
  parseStats,
  STACK_RUN_FLAGS,
  type FootprintRow,
} from '../../bench/lib/footprint-parse.ts';
import { containerArgv } from '../../bench/lib/footprint-run.ts';

test('sizes in the units docker prints: decimal and binary prefixes, bytes', () => {
  assert.is(parseSize('0B'), 0);
  assert.is(parseSize('980kB'), 980_000);
  assert.is(parseSize('12.5MiB'), 12.5 * 2 ** 20);
  assert.is(parseSize('1.2GiB'), 1.2 * 2 ** 30);
  assert.is(parseSize('81.6MB'), 81_600_000);
  assert.ok(Number.isNaN(parseSize('lots')));
  assert.ok(Number.isNaN(parseSize('3 parsecs')));
  assert.is(parseMemUsage('12.5MiB / 256MiB'), 12.5 * 2 ** 20);
});

test('docker stats JSON lines become name → used memory; junk lines are skipped', () => {
  const out = [
    '{"BlockIO":"0B / 0B","CPUPerc":"0.02%","Container":"abc","ID":"abc","MemPerc":"4.88%","MemUsage":"12.5MiB / 256MiB","Name":"faaso-footprint-sum","NetIO":"1kB / 0B","PIDs":"3"}',
    '{"Name":"faaso-footprint-base","MemUsage":"512KiB / 256MiB"}',
    'Error response from daemon: No such container: gone',
    '',
  ].join('\n');
  const m = parseStats(out);
  assert.equal([...m.keys()], ['faaso-footprint-sum', 'faaso-footprint-base']);
  assert.is(m.get('faaso-footprint-base'), 512 * 1024);
});

test('function containers get the stack hardening and limits', () => {
  const flags = STACK_RUN_FLAGS.join(' ');
  for (const f of [
    '--init',
    '--read-only',
    '--tmpfs /tmp',
    '--cap-drop ALL',
    '--security-opt no-new-privileges',
    '--memory 256m',
    '--cpus 1',
    '--pids-limit 256',
  ]) {
    assert.ok(flags.includes(f), f);
  }
});

test('bench containers: own network, alias, loopback-only port to 3000 (8080 for the proxy)', () => {
  const fn = containerArgv(
    { name: 'faaso-footprint-sum', alias: 'sum', image: 'img', flags: ['--init'], port: 18401, probe: '/ping' },
    'net',
  );
  assert.equal(fn, [
    'docker',
    'run',
    '-d',
    '--name',
    'faaso-footprint-sum',
    '--network',
    'net',
    '--network-alias',
    'sum',
    '-p',
    '127.0.0.1:18401:3000',
    '--label',
    'faaso.bench=footprint',
    '--init',
    'img',
  ]);
  const proxy = containerArgv(
    { name: 'p', image: 'caddy', flags: [], port: 18400, probe: '/__faaso/health', command: ['caddy', 'run'] },
    'net',
  );
  assert.ok(proxy.includes('127.0.0.1:18400:8080'));
  assert.equal(proxy.slice(-3), ['caddy', 'caddy', 'run']);
  const base = containerArgv({ name: 'b', image: 'debian', flags: [], command: ['sleep', 'infinity'] }, 'net');
  assert.not.ok(base.includes('-p'));
});

const base: FootprintRow = {
  what: 'base (sleep infinity)',
  image: 'debian:trixie-slim',
  sizeBytes: 78e6,
  memBytes: 1e6,
};
const rows: FootprintRow[] = [
  { what: 'sum (python)', image: 'r/sum:1', sizeBytes: 117e6, memBytes: 12e6 },
  { what: 'proxy (caddy)', image: 'faaso/caddy:1', sizeBytes: 130e6, memBytes: NaN },
];

test('rows: MB added and ratios vs the base; a missing memory figure prints as "-"', () => {
  const r = footprintRows(rows, base);
  assert.equal(r[0], ['base (sleep infinity)', 'debian:trixie-slim', '78.0 MB', '-', '1.00×', '1.0 MB', '1.00×']);
  assert.equal(r[1], ['sum (python)', 'r/sum:1', '117.0 MB', '+39.0 MB', '1.50×', '12.0 MB', '12.00×']);
  assert.equal(r[2]!.slice(5), ['-', '-']);
});

test('the summary names the base and every image with its added size and idle memory', () => {
  const line = footprintSummary(rows, base);
  assert.ok(line.startsWith('summary: base debian:trixie-slim 78.0 MB'));
  assert.match(line, /sum \(python\) \+39\.0 MB over base \(1\.50×\), idle 12\.0 MB/);
});

test.run();
