// The proxy bench's Caddy side by side, its pure parts: the bench-only image,
// the containers and configs, turns that alternate, timings read back, and the
// verdict on keeping forky's Caddy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CADDY262_DOCKERFILE,
  failingConfig,
  HTTPS_NAME,
  httpsPlan,
  pingRoute,
  proxyContainerArgv,
  reloadMs,
  timedCaddyArgv,
  turns,
  versionOf,
  versions,
  versionSettings,
} from '../../bench/lib/proxy-versions-plan.ts';
import { pairedRatio, summarize, versionRows, versionSummaryLine } from '../../bench/lib/proxy-versions-report.ts';
import type { VersionResults } from '../../bench/lib/proxy-versions-types.ts';
import type { WrkResult } from '../../bench/lib/wrk.ts';
import { BENCH_PROJECT } from '../../bench/lib/proxy-plan.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { plan, svc } from './stack-fixtures.ts';

test('two versions on their own ports inside the proxy bench range, named for the bench', () => {
  const vs = versions('faaso/caddy:abc');
  assert.equal(
    vs.map((v) => [v.key, v.image]),
    [
      ['trixie', `${BENCH_PROJECT}-caddy262:bench`],
      ['faaso', 'faaso/caddy:abc'],
    ],
  );
  const ports = vs.flatMap((v) => [v.httpPort, v.httpsPort]);
  assert.is(new Set(ports).size, 4);
  assert.ok(ports.every((p) => p >= 18110 && p <= 18199));
  assert.ok(vs.every((v) => v.container.startsWith(`${BENCH_PROJECT}-`)));
});

test("the bench-only image: trixie's own caddy (no other suite), checked to be 2.6, hardened like faaso's", () => {
  assert.match(CADDY262_DOCKERFILE, /^FROM debian:trixie-slim\n/);
  assert.not.match(CADDY262_DOCKERFILE, /forky|--pull|# syntax/);
  assert.match(CADDY262_DOCKERFILE, /apt-get install -y --no-install-recommends caddy/);
  assert.match(CADDY262_DOCKERFILE, /caddy version \| grep -q '\^v\\\?2\\\.6\\\.'/);
  assert.match(CADDY262_DOCKERFILE, /\nUSER 10001:10001\n/);
});

test('each proxy runs as faaso runs its own: hardened, 1 CPU, published on loopback, the bench configs read-only', () => {
  const [v] = versions('img');
  const argv = proxyContainerArgv(v!, '/tmp/cfg', 'faasobench-proxy_faaso');
  for (const flag of [
    '--read-only',
    'no-new-privileges',
    '--init',
    'faasobench-proxy_faaso',
    '/tmp/cfg:/etc/faaso/caddy:ro',
  ])
    assert.ok(argv.includes(flag), flag);
  assert.equal(argv.slice(argv.indexOf('--cpus'), argv.indexOf('--cpus') + 2), ['--cpus', '1']);
  assert.ok(argv.includes('127.0.0.1:18110:8080') && argv.includes('127.0.0.1:18111:8443'));
  assert.equal(argv.slice(-6), [
    'caddy',
    'run',
    '--config',
    '/etc/faaso/caddy/http.Caddyfile',
    '--adapter',
    'caddyfile',
  ]);
});

const stackPlan = () => plan([svc('sum'), svc('hello')]);

test("the configs: faaso's HTTPS rendering of the bench routes, and a failing one that marks every site", () => {
  const https = renderCaddyfile(httpsPlan(stackPlan(), 18111));
  assert.match(https, new RegExp(`\\n${HTTPS_NAME} \\{\\n\\ttls internal\\n`));
  assert.match(https, /redir https:\/\/\{host\}:18111\{uri\} 308/);
  const bad = failingConfig(https);
  assert.not.match(bad, /respond "ok" 200/);
  assert.is(bad.match(/respond "new" 200/g)?.length, 2);
  assert.match(bad, /\n:8081 \{\n\tbind 192\.0\.2\.1\n/);
  assert.throws(() => failingConfig(':8080 {\n}\n'), /no health endpoint/);
  assert.is(pingRoute(stackPlan()), '/hello/ping');
});

test('turns alternate which version goes first; timings are read from bash inside the container', () => {
  assert.equal(turns(['a', 'b'], 0), ['a', 'b']);
  assert.equal(turns(['a', 'b'], 1), ['b', 'a']);
  assert.match(
    timedCaddyArgv('c', 'x.Caddyfile').at(-1)!,
    /time caddy reload --force --config \/etc\/faaso\/caddy\/x\.Caddyfile/,
  );
  assert.match(timedCaddyArgv('c').at(-1)!, /time caddy version$/);
  assert.is(reloadMs('{"level":"info"}\nfaaso-seconds 0.125\n'), 125);
  assert.ok(Number.isNaN(reloadMs('Error: boom')));
  assert.is(versionOf('v2.11.4 h1:abc=\n'), '2.11.4');
  assert.is(versionOf('2.6.2\n'), '2.6.2');
  assert.equal(versionSettings(true, { rounds: 1, durationSec: 1, warmupSec: 1, connections: 32 }).failedReloads, 5);
});

const wrk = (rps: number): WrkResult => ({
  requests: rps,
  durationSec: 1,
  rps,
  p50Ms: 1,
  p90Ms: 1,
  p99Ms: 1,
  meanMs: 1,
  maxMs: 1,
  errors: 0,
  errorDetail: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
});

/** trixie's runs at 1000 req/s, faaso's at `faasoRps`; faaso's first `faasoBroken` failed reloads break a fresh request. */
function results(faasoRps: number, faasoBroken: number, faasoAfterGood = 0): VersionResults {
  const none: Record<string, number> = {};
  const keys = ['trixie', 'faaso'] as const;
  return {
    versions: [
      { key: 'trixie', version: '2.6.2' },
      { key: 'faaso', version: '2.11.4' },
    ],
    throughput: keys.flatMap((key) =>
      (['http', 'https'] as const).flatMap((scheme) =>
        // round 1 drifts: both sides at half speed, which the paired ratio cancels
        [0, 1, 2].map((round) => ({
          key,
          scheme,
          round,
          result: wrk((key === 'faaso' ? faasoRps : 1000) / (round === 1 ? 2 : 1)),
          // the cost behind the rate: 300 µs per request at 1000/s, whatever the drift
          cpuUsPerRequest: (300 * 1000) / (key === 'faaso' ? faasoRps : 1000),
        })),
      ),
    ),
    reloads: keys.flatMap((key) =>
      (['cli', 'http', 'https'] as const).map((config) => ({ key, config, ms: key === 'faaso' ? 120 : 60 })),
    ),
    failed: keys.flatMap((key) =>
      [0, 1].map((attempt) => {
        const broken = key === 'trixie' ? attempt > 0 : attempt < faasoBroken;
        return {
          key,
          attempt,
          refused: true,
          probes: 10,
          failedConfig: key === 'faaso' && broken ? 1 : 0,
          errors: key === 'trixie' && broken ? 4 : 0,
          errorKinds: key === 'trixie' && broken ? { 'https EPROTO': 4 } : none,
        };
      }),
    ),
    recovered: keys.map((key) => ({
      key,
      ok: true,
      probes: 10,
      errors: key === 'trixie' ? 5 : faasoAfterGood,
    })),
  };
}

test('the verdict: keep forky when no failed reload breaks a fresh request and it keeps ≥ 95 % of the capacity', () => {
  const good = results(980, 0);
  assert.is(summarize(good, 'trixie').broken, 1);
  assert.is(summarize(good, 'trixie').failedShare, 0.2);
  assert.is(summarize(good, 'trixie').how, 'https EPROTO 4');
  assert.is(pairedRatio(good, 'http'), 0.98);
  assert.ok(Math.abs(pairedRatio(good, 'https', 'cpu') - 0.98) < 1e-9);
  assert.is(
    versionSummaryLine(good),
    'Caddy 2.11.4 vs 2.6.2: capacity by CPU per request 0.98× (HTTP) 0.98× (HTTPS), req/s 0.98× (HTTP) 0.98× (HTTPS), reload 120.0 ms vs 60.0 ms (2 sites), failed multi-site reloads that broke fresh requests 0/2 vs 1/2 (after a good reload: 0/10 failed vs 5/10 failed); keep 2.11.4: met',
  );
  assert.match(versionSummaryLine(results(900, 0)), /MISSED \(capacity below 95 % of 2\.6\.2's \(CPU per request\)\)$/);
  assert.match(versionSummaryLine(results(1000, 1)), /MISSED \(a failed reload broke fresh requests\)$/);
  assert.match(versionSummaryLine(results(1000, 0, 1)), /MISSED \(a failed reload broke fresh requests\)$/);
  assert.is(summarize(results(1000, 2), 'faaso').how, 'served by the failed config 2');
  assert.equal(versionRows(good)[1], [
    "2.11.4 (faaso's image, forky)",
    '980',
    '980',
    '306 µs',
    '306 µs',
    '1.0/1 ms',
    '1.0/1 ms',
    '0',
    '120.0 ms',
    '120.0 ms',
    '120.0 ms',
    '0/2',
    '0 %',
    'none',
    '0/10 failed',
  ]);
  assert.equal(versionRows(good)[0]!.slice(11), ['1/2', '20 %', 'https EPROTO 4', '5/10 failed']);
});

test.run();
