// The proxy bench's plan: its own ports and project, URLs that hit the same
// request every way, and direct/Caddy/HAProxy runs interleaved so drift hits all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import {
  BENCH_PROJECT,
  benchProject,
  EXAMPLES,
  benchSettings,
  BURN,
  probeUrl,
  schedule,
  stackFile,
} from '../../bench/lib/proxy-plan.ts';
import { UserError } from '../../src/errors.ts';

const sum = EXAMPLES.find((e) => e.fn === 'sum')!;
const at = {
  direct: { sum: 'http://172.18.0.3:3000' },
  proxy: 'http://172.18.0.5:8080',
  reference: 'http://172.18.0.6:8080',
  published: 'http://127.0.0.1:18100',
};

test('defaults, --quick and explicit flags; bad values are user errors naming the flag', () => {
  const full = benchSettings({});
  assert.equal([full.rounds, full.durationSec, full.connections, full.functions.length], [3, 3, 32, 4]);
  assert.equal([full.profileSec, benchSettings({ quick: true }).profileSec], [10, 2]);
  const quick = benchSettings({ quick: true });
  assert.equal([quick.rounds, quick.durationSec], [1, 1]);
  assert.equal(
    quick.functions.map((f) => f.fn),
    ['sum', 'burn'],
  );
  assert.is(benchSettings({ quick: true, only: 'hello' }).functions[0]!.fn, 'hello');
  const some = benchSettings({ rounds: '5', duration: '2', connections: '16', only: 'hello, sum' });
  assert.equal([some.rounds, some.durationSec, some.connections], [5, 2, 16]);
  assert.equal(
    some.functions.map((f) => f.fn),
    ['sum', 'hello'],
  );
  for (const [flags, re] of [
    [{ rounds: '0' }, /--rounds/],
    [{ duration: '1.5' }, /--duration/],
    [{ connections: 'x' }, /--connections/],
    [{ only: 'summ' }, /--only: unknown function "summ"/],
  ] as const) {
    try {
      benchSettings(flags);
      assert.unreachable('accepted');
    } catch (err) {
      assert.instance(err, UserError);
      assert.match((err as Error).message, re);
    }
  }
});

test('the stack file routes each function, publishes only the proxy inside 18100-18199, no function port', () => {
  const doc = parse(stackFile(EXAMPLES));
  assert.equal(doc.routes, { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello', '/burn': 'burn' });
  assert.is(doc.proxy.port, 18100);
  // "direct" is the container's own address: a published port would go through the ports listener
  assert.not.ok('functions' in doc);
  assert.is.not(BENCH_PROJECT, 'faaso');
  // --no-access-log measures the faaso.yml switch; by default the proxy is what users get
  assert.is(parse(stackFile(EXAMPLES, { accessLog: false })).proxy.access_log, false);
  assert.not.ok('access_log' in doc.proxy);
  assert.equal([benchSettings({}).accessLog, benchSettings({ noAccessLog: true }).accessLog], [true, false]);
});

test('the ~1 ms handler is a bench-only node function whose test expects its answer', () => {
  assert.ok(BURN.files);
  const spec = parse(BURN.files!['function.yml']!);
  assert.is(spec.runtime, 'node');
  assert.match(BURN.files!['handler.js']!, /export function handle\(\)/);
  assert.equal(spec.tests[0].expect.json, { rounds: 800 });
});

test('the same request every way: direct to the container, through Caddy or HAProxy under the route', () => {
  assert.is(probeUrl(sum, 'ping-latency', 'direct', at), 'http://172.18.0.3:3000/ping');
  assert.is(probeUrl(sum, 'ping-throughput', 'proxy', at), 'http://172.18.0.5:8080/sum/ping');
  assert.is(probeUrl(sum, 'ping-throughput', 'reference', at), 'http://172.18.0.6:8080/sum/ping');
  assert.is(probeUrl(sum, 'ping-throughput', 'published', at), 'http://127.0.0.1:18100/sum/ping');
  assert.is(probeUrl(sum, 'handler-latency', 'direct', at), 'http://172.18.0.3:3000/?a=1&b=2');
  assert.is(probeUrl(sum, 'handler-latency', 'proxy', at), 'http://172.18.0.5:8080/sum?a=1&b=2');
  assert.throws(() => probeUrl(BURN, 'ping-latency', 'direct', at), /no address for burn/);
});

test('schedule: each probe runs every mode back to back, their order rotating per round; published only for /ping', () => {
  const steps = schedule(sum, benchSettings({ rounds: '4' }), at);
  assert.is(steps.length, 4 * (2 * 4 + 2 * 3));
  const round0 = steps.filter((s) => s.round === 0);
  assert.equal(
    round0.map((s) => `${s.probe}:${s.mode}`),
    [
      ...['direct', 'proxy', 'reference', 'published'].map((m) => `ping-latency:${m}`),
      ...['direct', 'proxy', 'reference', 'published'].map((m) => `ping-throughput:${m}`),
      ...['direct', 'proxy', 'reference'].map((m) => `handler-latency:${m}`),
      ...['direct', 'proxy', 'reference'].map((m) => `handler-throughput:${m}`),
    ],
  );
  const firsts = [0, 1, 2, 3].map((r) => steps.filter((s) => s.round === r).map((s) => s.mode)[0]);
  assert.equal(firsts, ['direct', 'proxy', 'reference', 'published']);
  // latency: one connection and one thread; throughput: the configured connections
  assert.ok(steps.filter((s) => s.probe.endsWith('latency')).every((s) => s.connections === 1 && s.threads === 1));
  assert.ok(steps.filter((s) => s.probe.endsWith('throughput')).every((s) => s.connections === 32));
});

test('FAASO_BENCH_PROJECT renames the bench project; a name compose or faaso would misread is refused', () => {
  assert.is(benchProject(undefined), 'faasobench-proxy');
  assert.is(benchProject(''), 'faasobench-proxy');
  assert.is(benchProject('faasotls-bench'), 'faasotls-bench');
  for (const bad of ['faaso', 'Bench', '-x', 'a b', 'x'.repeat(42)])
    assert.throws(() => benchProject(bad), /FAASO_BENCH_PROJECT: .* not a compose project name/);
});

test.run();
