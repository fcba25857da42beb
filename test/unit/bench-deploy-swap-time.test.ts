// The deploy bench's swap time, read from the commands `up` ran: from the first
// `compose up --scale` to the end of the last `docker rm`, split by step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { swapTiming } from '../../bench/lib/deploy-swap-time.ts';
import type { ExecEntry } from '../../bench/lib/exec-log.ts';

const C = ['docker', 'compose', '-f', '/p/compose/docker-compose.yml', '-p', 'proj'];
const scale = (n: number, at: number, ms: number): ExecEntry => ({
  argv: [...C, 'up', '-d', '--no-deps', '--no-recreate', '--scale', `fn=${n}`, 'fn'],
  at,
  ms,
  exit: 0,
});
const observe = (at: number): ExecEntry => ({ argv: ['docker', 'inspect', 'a', 'b'], at, ms: 40, exit: 0 });
const stop = (at: number, ms: number): ExecEntry => ({ argv: ['docker', 'stop', '-t', '12', 'old'], at, ms, exit: 0 });
const rm = (at: number, ms: number): ExecEntry => ({ argv: ['docker', 'rm', '-f', 'old'], at, ms, exit: 0 });

// One replica replaced: 1.2 s of up's own work, then start 600 ms, ready 700 ms (polls + DNS wait), drain 500 ms, rm 100 ms.
const oneReplica: ExecEntry[] = [
  { argv: ['docker', 'image', 'inspect', 'img'], at: 900, ms: 50, exit: 0 },
  { argv: ['docker', 'exec', '-i', 'proxy', 'caddy', 'validate'], at: 1000, ms: 150, exit: 0 },
  scale(2, 1200, 600),
  observe(1850),
  stop(2500, 500),
  rm(3000, 100),
];

test('one replica: the swap runs from the --scale start to the rm end, split by step', () => {
  assert.equal(swapTiming(oneReplica), {
    swapMs: 1900,
    beforeMs: 1200,
    batches: 1,
    startMs: 600,
    readyMs: 700,
    drainMs: 500,
    removeMs: 100,
  });
});

test('the log is in the order commands ended: the swap is read in the order they started', () => {
  const shuffled = [oneReplica[5]!, oneReplica[3]!, oneReplica[2]!, oneReplica[4]!, oneReplica[0]!, oneReplica[1]!];
  assert.equal(swapTiming(shuffled), swapTiming(oneReplica));
});

test('a rolling update of 3: three batches summed; a stale container removed before the swap is not in it', () => {
  const entries: ExecEntry[] = [
    rm(800, 90), // stale, before the first --scale
    scale(4, 1000, 500),
    stop(2000, 400),
    rm(2400, 100),
    scale(4, 2600, 450),
    stop(3500, 600),
    rm(4100, 100),
    scale(4, 4300, 500),
    stop(5300, 400),
    rm(5700, 150),
  ];
  const t = swapTiming(entries)!;
  assert.is(t.swapMs, 4850);
  assert.is(t.batches, 3);
  assert.is(t.startMs, 1450);
  assert.is(t.readyMs, 500 + 450 + 500);
  assert.is(t.drainMs, 1400);
  assert.is(t.removeMs, 350);
  assert.is(t.beforeMs, 1000);
});

test('an up that started no replica has no swap', () => {
  assert.is(swapTiming([observe(10), { argv: [...C, 'up', '-d', '--wait'], at: 100, ms: 3000, exit: 0 }]), null);
  assert.is(swapTiming([]), null);
});

test('a scale-up alone (nothing drained): the swap ends with the --scale', () => {
  const t = swapTiming([scale(3, 500, 800), observe(1400)])!;
  assert.is(t.swapMs, 800);
  assert.is(t.readyMs, 0);
  assert.is(t.drainMs, 0);
});

test.run();
