import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAccessLine, type AccessRecord } from '../../src/metrics/access-log.ts';
import { bucketBound, bucketOf, observe, quantile, type Histogram } from '../../src/metrics/histogram.ts';
import {
  functionSeries,
  newMetrics,
  recordRequest,
  resetFunction,
  routeFor,
  summarizeMetrics,
  WINDOW_SECONDS,
} from '../../src/metrics/series.ts';
import { countingSince } from '../../src/metrics/read.ts';
import type { ContainerObservation } from '../../src/stack/inspect.ts';

// A real line of Caddy 2.11's access log (faaso's proxy), shortened headers.
const LINE =
  '{"level":"info","ts":1796292386.622196,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"192.168.160.1","remote_port":"59456","client_ip":"192.168.160.1","proto":"HTTP/1.1","method":"GET","host":"127.0.0.1:18680","uri":"/sum?a=1&b=2","headers":{"User-Agent":["curl/7.88.1"]}},"bytes_read":0,"user_id":"","duration":0.001234,"size":11,"status":200,"resp_headers":{"Content-Type":["application/json"]}}';

test('an access line becomes a record; Caddy’s own messages and noise do not', () => {
  assert.equal(parseAccessLine(LINE), { at: 1796292386622, method: 'GET', path: '/sum', status: 200, ms: 1.234 });
  assert.is(parseAccessLine('{"level":"info","ts":1.5,"logger":"http","msg":"server running"}'), null);
  assert.is(parseAccessLine('{"logger":"http.log.access.log0", broken'), null);
  assert.is(parseAccessLine('{"logger":"http.log.access.log0","ts":"x"}'), null);
  assert.is(parseAccessLine(''), null);
});

test('histogram: every quantile within 9 % above the true value, none without samples', () => {
  const h: Histogram = new Map();
  assert.is(quantile(h, 0.5), null);
  for (let i = 1; i <= 1000; i++) observe(h, i / 10); // 0.1 … 100 ms
  for (const [q, truth] of [
    [0.5, 50],
    [0.95, 95],
    [0.99, 99],
  ] as const) {
    const got = quantile(h, q)!;
    assert.ok(got >= truth && got <= truth * 1.091, `p${q * 100}: ${got} for ${truth}`);
  }
  assert.is(bucketOf(0), 0);
  assert.ok(bucketBound(bucketOf(3)) >= 3);
});

const routes = [
  { path: '/sum', function: 'sum' },
  { path: '/api/sum', function: 'sum' },
  { path: '/api', function: 'hello' },
];

test('a path belongs to the longest route it is under, ignoring case, on a segment boundary', () => {
  const sorted = newMetrics(routes, new Map()).routes;
  assert.is(routeFor(sorted, '/api/sum/x')?.path, '/api/sum');
  assert.is(routeFor(sorted, '/API/other')?.path, '/api');
  assert.is(routeFor(sorted, '/Sum')?.path, '/sum');
  assert.is(routeFor(sorted, '/%73um')?.path, '/sum', 'decoded as Caddy does');
  assert.is(routeFor(sorted, '/summary'), undefined);
  assert.is(routeFor(sorted, '/'), undefined);
});

const req = (at: number, path: string, status = 200, ms = 2): AccessRecord => ({ at, method: 'GET', path, status, ms });

test('known requests give the counted numbers: per function and per route, 4xx and 5xx apart', () => {
  const t0 = 1_800_000_000_000;
  const m = newMetrics(
    routes,
    new Map([
      ['sum', t0],
      ['hello', t0],
    ]),
  );
  for (let i = 0; i < 6; i++) recordRequest(m, req(t0 + 1000 + i, '/sum'));
  recordRequest(m, req(t0 + 2000, '/sum', 400));
  recordRequest(m, req(t0 + 2000, '/api/sum/x', 500, 40));
  recordRequest(m, req(t0 - 1, '/sum', 500)); // before the containers were created: not counted
  recordRequest(m, req(t0 + 3000, '/nowhere', 404)); // no route: the proxy's own 404
  const [hello, sum] = summarizeMetrics(m, t0 + 30_000);
  assert.is(hello!.requests, 0);
  assert.is(hello!.p50, null);
  assert.is(sum!.function, 'sum');
  assert.is(sum!.requests, 8);
  assert.is(sum!.clientErrors, 1);
  assert.is(sum!.serverErrors, 1);
  assert.is(sum!.errorRate, 1 / 8);
  assert.ok(sum!.p50! >= 2 && sum!.p50! < 2.2, String(sum!.p50));
  assert.ok(sum!.p99! >= 40 && sum!.p99! < 44, String(sum!.p99));
  assert.is(sum!.rps, 8 / 30, 'over the 30 s since the function started');
  assert.equal(Object.keys(sum!.routes), ['/api/sum', '/sum']);
  assert.is(sum!.routes['/sum']!.requests, 7);
  assert.is(sum!.routes['/api/sum']!.serverErrors, 1);
});

test('requests per second over the last minute only; the chart keeps 10 minutes', () => {
  const t0 = 1_800_000_000_000;
  const m = newMetrics(routes, new Map([['sum', t0]]));
  for (let s = 0; s < 900; s++) recordRequest(m, req(t0 + s * 1000, '/sum'));
  const now = t0 + 899_500;
  const [sum] = summarizeMetrics(m, now);
  assert.is(sum!.requests, 900, 'totals since the start are kept');
  assert.is(sum!.rps, 1);
  const points = functionSeries(m, 'sum', now);
  assert.is(points.length, WINDOW_SECONDS / 10);
  assert.is(
    points.reduce((n, p) => n + p.requests, 0),
    WINDOW_SECONDS,
    'one request per second over the window',
  );
  assert.ok(points.every((p) => p.requests === 10));
});

test('a redeploy starts a function’s counts again; the others keep theirs', () => {
  const t0 = 1_800_000_000_000;
  const m = newMetrics(
    routes,
    new Map([
      ['sum', t0],
      ['hello', t0],
    ]),
  );
  recordRequest(m, req(t0 + 10, '/sum'));
  recordRequest(m, req(t0 + 10, '/api'));
  resetFunction(m, 'sum', t0 + 100);
  recordRequest(m, req(t0 + 200, '/sum'));
  const [hello, sum] = summarizeMetrics(m, t0 + 1000);
  assert.is(sum!.requests, 1);
  assert.is(sum!.since, t0 + 100);
  assert.is(hello!.requests, 1);
});

const container = (fn: string, createdAt: number, role = 'function') =>
  ({ fn, role, createdAt }) as unknown as ContainerObservation;

test('counts start at the creation of a function’s oldest container', () => {
  const since = countingSince([
    container('sum', 30),
    container('sum', 10),
    container('hello', 5),
    container('', 1, 'proxy'),
  ]);
  assert.equal([...since].sort(), [
    ['hello', 5],
    ['sum', 10],
  ]);
});

test.run();
