// What every bench prints first (the machine), its tables, and where results go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeMachine, formatSection, resultsFileName, type MachineInfo } from '../../bench/lib/report.ts';

const machine: MachineInfo = {
  date: '2026-11-25T22:19:45.377Z',
  cpus: 2,
  cpuModel: 'AMD EPYC',
  memoryGiB: 24,
  kernel: '6.1.0',
  node: 'v20.19.0',
  docker: '20.10.24',
  commit: 'abc1234',
};

test('describeMachine names cores, memory, kernel, node, docker, commit and date on one line', () => {
  const line = describeMachine(machine);
  assert.is(
    line,
    'machine: 2 × AMD EPYC, 24 GiB, Linux 6.1.0, node v20.19.0, docker 20.10.24, commit abc1234, 2026-11-25T22:19:45.377Z',
  );
  assert.not.match(line, /\n/);
});

test('formatSection: a blank line, the title, the table, a newline', () => {
  const text = formatSection(
    'latency',
    ['FUNCTION', 'P50'],
    [
      ['sum (python)', '0.412 ms'],
      ['hello', '0.1 ms'],
    ],
  );
  const lines = text.split('\n');
  assert.is(lines[0], '');
  assert.is(lines[1], 'latency');
  assert.match(lines[2]!, /^FUNCTION\s+P50$/);
  assert.match(lines[3]!, /^sum \(python\)\s+0\.412 ms$/);
  // columns line up: the second column starts at the same offset in every row
  assert.is(lines[2]!.indexOf('P50'), lines[3]!.indexOf('0.412'));
  assert.ok(text.endsWith('\n'));
});

test('results file names sort by date and hold no characters that need quoting', () => {
  assert.is(resultsFileName('proxy', machine.date), 'proxy-2026-11-25T22-19-45-377Z.json');
  assert.ok(
    resultsFileName('proxy', '2026-01-02T00:00:00.000Z') < resultsFileName('proxy', '2026-11-25T00:00:00.000Z'),
  );
});

test.run();
