// The proxy bench's plan: its own ports and project, URLs that hit the same
// request both ways, and direct/proxy runs interleaved so drift hits both sides.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import {
  BENCH_PROJECT,
  benchProject,
  EXAMPLES,
  benchSettings,
  functionPort,
  probeUrl,
  schedule,
  stackFile,
} from '../../bench/lib/proxy-plan.ts';
import { UserError } from '../../src/errors.ts';

const sum = EXAMPLES.find((e) => e.fn === 'sum')!;

test('defaults, --quick and explicit flags; bad values are user errors naming the flag', () => {
  const full = benchSettings({});
  assert.equal([full.rounds, full.durationSec, full.connections, full.functions.length], [3, 3, 32, 3]);
  const quick = benchSettings({ quick: true });
  assert.equal([quick.rounds, quick.durationSec], [1, 1]);
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

test('the stack file routes each function and pins every port inside 18100-18199', () => {
  const doc = parse(stackFile(EXAMPLES));
  assert.equal(doc.routes, { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' });
  assert.is(doc.proxy.port, 18100);
  const ports = Object.values(doc.functions as Record<string, { port: number }>).map((f) => f.port);
  assert.equal(ports, [18101, 18102, 18103]);
  assert.ok([doc.proxy.port, ...ports].every((p) => p >= 18100 && p <= 18199));
  assert.is.not(BENCH_PROJECT, 'faaso');
  // a subset keeps each function's own port, so URLs do not depend on --only
  assert.equal(parse(stackFile([EXAMPLES[2]!])).functions, { hello: { port: functionPort('hello') } });
  // --no-access-log measures the faaso.yml switch; by default the proxy is what users get
  assert.is(parse(stackFile(EXAMPLES, { accessLog: false })).proxy.access_log, false);
  assert.not.ok('access_log' in doc.proxy);
  assert.equal([benchSettings({}).accessLog, benchSettings({ noAccessLog: true }).accessLog], [true, false]);
});

test('the same request both ways: direct to the port, proxied under the route as users call it', () => {
  assert.is(probeUrl(sum, 'ping-latency', 'direct'), 'http://127.0.0.1:18101/ping');
  assert.is(probeUrl(sum, 'ping-throughput', 'proxy'), 'http://127.0.0.1:18100/sum/ping');
  assert.is(probeUrl(sum, 'handler-latency', 'direct'), 'http://127.0.0.1:18101/?a=1&b=2');
  assert.is(probeUrl(sum, 'handler-latency', 'proxy'), 'http://127.0.0.1:18100/sum?a=1&b=2');
});

test('schedule: each probe runs direct and proxy back to back, first side alternating per round', () => {
  const steps = schedule(sum, benchSettings({ rounds: '2' }));
  assert.is(steps.length, 2 * 4 * 2);
  for (let i = 0; i < steps.length; i += 2) {
    assert.is(steps[i]!.probe, steps[i + 1]!.probe);
    assert.is.not(steps[i]!.mode, steps[i + 1]!.mode);
  }
  assert.equal(
    steps
      .filter((s) => s.round === 0)
      .map((s) => s.mode)
      .slice(0, 2),
    ['direct', 'proxy'],
  );
  assert.equal(
    steps
      .filter((s) => s.round === 1)
      .map((s) => s.mode)
      .slice(0, 2),
    ['proxy', 'direct'],
  );
  // latency: one connection and one thread; throughput: the configured connections
  assert.ok(steps.filter((s) => s.probe.endsWith('latency')).every((s) => s.connections === 1 && s.threads === 1));
  assert.ok(steps.filter((s) => s.probe.endsWith('throughput')).every((s) => s.connections === 32));
  assert.ok(steps.every((s) => s.url.startsWith('http://127.0.0.1:')));
});

test('FAASO_BENCH_PROJECT renames the bench project; a name compose or faaso would misread is refused', () => {
  assert.is(benchProject(undefined), 'faasobench-proxy');
  assert.is(benchProject(''), 'faasobench-proxy');
  assert.is(benchProject('faasotls-bench'), 'faasotls-bench');
  for (const bad of ['faaso', 'Bench', '-x', 'a b', 'x'.repeat(42)])
    assert.throws(() => benchProject(bad), /FAASO_BENCH_PROJECT: .* not a compose project name/);
});

test.run();
