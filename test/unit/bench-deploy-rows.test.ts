// The deploy bench's pure reporting: FAASO_EXEC_LOG parsing and counting, the
// table rows and the summary line with its ratios and target verdicts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execKind, formatKinds, parseExecLog, summarizeExec } from '../../bench/lib/exec-log.ts';
import {
  coreRows,
  deploySummary,
  failedRequests,
  redeployRows,
  reloadRows,
  stepRows,
  upRows,
  type DeployResults,
} from '../../bench/lib/deploy-rows.ts';
import type { RedeployCase, RedeployRound } from '../../bench/lib/deploy-redeploy.ts';
import type { LoadResult } from '../../bench/lib/http-load.ts';
import type { WrkResult } from '../../bench/lib/wrk.ts';

const LOG = [
  JSON.stringify({ argv: ['docker', 'image', 'inspect', '--format', 'x', 'a'], at: 10, ms: 40, exit: 0 }),
  JSON.stringify({
    argv: ['docker', 'compose', '-f', '/x/docker-compose.yml', '-p', 'proj', 'up', '-d', '--wait'],
    at: 60,
    ms: 5000,
    exit: 0,
  }),
  JSON.stringify({ argv: ['docker', 'image', 'inspect', 'b'], at: 5070, ms: 30, exit: 1 }),
  JSON.stringify({
    argv: ['docker', 'exec', 'proxy-1', 'caddy', 'reload', '--config', 'c'],
    at: 5100,
    ms: 80,
    exit: 0,
  }),
  JSON.stringify({ argv: ['git', 'rev-parse'], at: 1, ms: 5, exit: 0 }),
  '{"argv":["docker","ps"', // cut short by a kill
  '',
].join('\n');

test('the exec log is parsed line by line; a torn last line is skipped', () => {
  const entries = parseExecLog(LOG);
  assert.is(entries.length, 5);
  assert.equal(entries[1]!.argv.slice(-3), ['up', '-d', '--wait']);
  assert.is(entries[2]!.exit, 1);
});

test('kinds name the compose verb past -f/-p, the caddy subcommand, the image subcommand', () => {
  assert.is(execKind(['docker', 'compose', '-f', 'f.yml', '-p', 'p', 'up', '-d']), 'docker compose up');
  assert.is(execKind(['docker', 'exec', 'c', 'caddy', 'reload']), 'docker exec caddy reload');
  assert.is(execKind(['docker', 'exec', '-i', 'c', 'sh']), 'docker exec');
  assert.is(execKind(['docker', 'image', 'inspect', 'x']), 'docker image inspect');
  assert.is(execKind(['docker', 'run', '--rm', 'img', 'caddy', 'validate']), 'docker run caddy validate');
  assert.is(execKind(['docker', 'ps', '-q']), 'docker ps');
  assert.is(execKind(['git', 'status']), 'git');
});

test('the summary counts docker calls only, by kind, most frequent first', () => {
  const s = summarizeExec(parseExecLog(LOG));
  assert.is(s.dockerCalls, 4);
  assert.is(s.dockerMs, 5150);
  assert.equal(s.kinds[0], ['docker image inspect', 2]);
  assert.is(formatKinds(s, 2), '2× docker image inspect, 1× docker compose up');
});

const wrk = (errors: number): WrkResult => ({
  requests: 1000,
  durationSec: 20,
  rps: 50,
  p50Ms: 2,
  p90Ms: 3,
  p99Ms: 9,
  meanMs: 2.5,
  maxMs: 400,
  errors,
  errorDetail: { connect: 0, read: errors, write: 0, status: 0, timeout: 0 },
});
const exec = (n: number) => ({ dockerCalls: n, dockerMs: n * 10, kinds: [['docker ps', n]] as [string, number][] });

const loop = (failed: number, errors: Record<string, number> = {}): LoadResult => ({
  ok: 500,
  failed,
  retried: 0,
  lastFailureAt: 0,
  errors,
  p50Ms: 3,
  p99Ms: 25,
  maxMs: 1200,
});
const steps = { swapMs: 2100, beforeMs: 1500, batches: 1, startMs: 700, readyMs: 800, drainMs: 500, removeMs: 100 };
const faasoRound = (swapMs: number, wrkErrors = 0, loopFailed = 0): RedeployRound => ({
  who: 'faaso',
  ms: 4000,
  swapMs,
  steps: { ...steps, swapMs },
  dockerCalls: 20,
  exec: [],
  load: { wrk: { route: wrk(wrkErrors), own: wrk(0) }, get: loop(loopFailed), post: loop(0) },
});
const composeRound = (ms: number): RedeployRound => ({
  who: 'compose',
  ms,
  swapMs: ms,
  steps: null,
  dockerCalls: 1,
  exec: [],
  load: { wrk: { route: wrk(3), own: wrk(4) }, get: loop(5, { '502': 4, ECONNRESET: 1 }), post: loop(6) },
});
const one: RedeployCase = { replicas: 1, rounds: [faasoRound(2100), composeRound(3500)] };
const three: RedeployCase = {
  replicas: 3,
  rounds: [faasoRound(9000), composeRound(4000), faasoRound(8000), composeRound(5000)],
};

const results: DeployResults = {
  failures: [],
  ups: [
    {
      functions: 3,
      faasoMs: 9000,
      faasoExec: exec(20),
      noopMs: 3000,
      noopExec: exec(12),
      composeMs: 6000,
      downMs: 2000,
    },
    {
      functions: 30,
      faasoMs: 30000,
      faasoExec: exec(60),
      noopMs: 6000,
      noopExec: exec(40),
      composeMs: 20000,
      downMs: 5000,
    },
  ],
  reloads: [
    { routes: 1, reloadMs: 100, validateMs: 800, execValidateMs: 250, caddyfileBytes: 1500 },
    { routes: 500, reloadMs: 400, validateMs: 1200, execValidateMs: 500, caddyfileBytes: 200_000 },
  ],
  check: { routes: 500, checked: 4, failures: [] },
  redeploys: [one, three],
  core: [
    { functions: 10, runs: 5, medianMs: 5, perFunctionMs: 0.5, composeBytes: 8000, caddyfileBytes: 4000 },
    { functions: 1000, runs: 5, medianMs: 600, perFunctionMs: 0.6, composeBytes: 800_000, caddyfileBytes: 400_000 },
  ],
};

test('rows carry the ratios against the baselines of the same run', () => {
  assert.equal(upRows(results.ups)[0]!.slice(0, 4), ['3', '9.00 s', '6.00 s', '1.50×']);
  assert.match(upRows(results.ups)[1]![4]!, /^60 \(60× docker ps\)$/);
  assert.equal(
    reloadRows(results.reloads).map((r) => r[3]),
    ['1.00×', '4.00×'],
  );
  assert.equal(
    coreRows(results.core).map((r) => r[3]),
    ['1.00×', '1.20×'],
  );
});

test('redeploy rows: command, swap, and per client failed/requests, p99, max with the causes', () => {
  const rows = redeployRows(one);
  assert.equal(rows[0], [
    'faaso up (A→B)',
    '4.00 s',
    '2.10 s',
    '0/1000, 9.000 ms, 400.0 ms',
    '0/1000, 9.000 ms, 400.0 ms',
    '0/500, 25.0 ms, 1.20 s',
    '0/500, 25.0 ms, 1.20 s',
  ]);
  assert.equal(rows[1]!.slice(0, 3), ['compose recreate (B→A)', '3.50 s', '3.50 s']);
  assert.is(rows[1]![3], '3/1000, 9.000 ms, 400.0 ms (read 3)');
  assert.is(rows[1]![5], '5/505, 25.0 ms, 1.20 s (502 4, ECONNRESET 1)');
  assert.equal(failedRequests(one.rounds[1]!), { wrk: 7, loops: 11 });
});

test('step rows: one per faaso round, the swap split by step, and what up did around it', () => {
  const rows = stepRows(three);
  assert.is(rows.length, 2);
  assert.equal(rows[0], [
    '4.00 s',
    '1.50 s',
    '9.00 s',
    '1',
    '700.0 ms',
    '800.0 ms',
    '500.0 ms',
    '100.0 ms',
    '0.000 ms',
  ]);
  assert.is(stepRows(one)[0]![8], '400.0 ms');
});

test('the summary gives each ratio and says whether the swap lost requests and the core is linear', () => {
  const line = deploySummary(results);
  assert.ok(line.startsWith('summary: '));
  assert.match(line, /3 fns 1\.50×, 30 fns 1\.50× \(target ≤ 1\.00×: missed at 3 fns, 30 fns\)/);
  const fast = deploySummary({ ...results, ups: results.ups.map((u) => ({ ...u, faasoMs: u.composeMs })) });
  assert.match(fast, /30 fns 1\.00× \(target ≤ 1\.00×: met\)/);
  assert.match(line, /reload 500 routes 400\.0 ms = 4\.00× of 1 route \(answers correctly\)/);
  assert.match(
    line,
    /redeploy 1 replica: swap 2\.10 s vs compose recreate 3\.50 s \(0\.60×\), failed requests faaso\/compose wrk 0\/7, non-retrying loops 0\/11 \(targets: swap ≤ 3\.00 s met, 0 failed met\)/,
  );
  // Medians over the rounds, failures summed; no swap target for the rolling update.
  assert.match(
    line,
    /rolling update 3 replicas: swap 8\.00 s \(slowest 9\.00 s\) vs compose recreate 4\.00 s \(2\.00×\), failed requests faaso\/compose wrk 0\/14, non-retrying loops 0\/22 \(targets: 0 failed met\)/,
  );
  assert.match(line, /1\.20× the per-fn cost of 10: linear/);
  const lossy = deploySummary({
    ...results,
    redeploys: [
      { replicas: 1, rounds: [faasoRound(3200, 0, 1), composeRound(3000)] },
      { replicas: 3, rounds: [faasoRound(9000, 2), composeRound(4000)] },
    ],
    check: { routes: 500, checked: 4, failures: ['x'] },
  });
  assert.match(lossy, /non-retrying loops 1\/11 \(targets: swap ≤ 3\.00 s missed, 0 failed missed\)/);
  assert.match(lossy, /wrk 2\/7, non-retrying loops 0\/11 \(targets: 0 failed missed\)/);
  assert.not.match(deploySummary({ ...results, redeploys: [] }), /redeploy|rolling/);
  // One round over 3 s misses the target even when the median is under it.
  const slow = deploySummary({
    ...results,
    redeploys: [{ replicas: 1, rounds: [faasoRound(2000), composeRound(3000), faasoRound(3100), composeRound(3000)] }],
  });
  assert.match(slow, /swap 2\.00 s \(slowest 3\.10 s\) vs .*swap ≤ 3\.00 s missed/);
  assert.match(lossy, /1 wrong answers/);
  assert.match(
    deploySummary({ ...results, failures: [{ functions: 30, error: 'unhealthy' }] }),
    /30 fns 1\.50×, 30 fns FAILED/,
  );
  const steep = deploySummary({ ...results, core: [results.core[0]!, { ...results.core[1]!, perFunctionMs: 2 }] });
  assert.match(steep, /super-linear/);
});

test.run();
