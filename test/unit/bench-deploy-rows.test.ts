// The deploy bench's pure reporting: FAASO_EXEC_LOG parsing and counting, the
// table rows and the summary line with its ratios and target verdicts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execKind, formatKinds, parseExecLog, summarizeExec } from '../../bench/lib/exec-log.ts';
import {
  coreRows,
  deploySummary,
  reloadRows,
  swapRows,
  upRows,
  type DeployResults,
} from '../../bench/lib/deploy-rows.ts';
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
  swaps: [
    {
      who: 'faaso',
      ms: 12000,
      swapMs: 8000,
      dockerCalls: 30,
      load: wrk(3),
      retrying: { ok: 900, failed: 0, retried: 2, errors: {} },
      loadEndedEarly: false,
    },
    {
      who: 'compose',
      ms: 4000,
      swapMs: 4000,
      dockerCalls: 1,
      load: wrk(7),
      retrying: { ok: 800, failed: 5, retried: 0, errors: { '502': 5 } },
      loadEndedEarly: true,
    },
  ],
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
    swapRows(results.swaps).map((r) => r[4]),
    ['3 (read 3)', '7 (read 7) (load ended first)'],
  );
  assert.equal(
    coreRows(results.core).map((r) => r[3]),
    ['1.00×', '1.20×'],
  );
});

test('the summary gives each ratio and says whether the swap lost requests and the core is linear', () => {
  const line = deploySummary(results);
  assert.ok(line.startsWith('summary: '));
  assert.match(line, /3 fns 1\.50×, 30 fns 1\.50×/);
  assert.match(line, /reload 500 routes 400\.0 ms = 4\.00× of 1 route \(answers correctly\)/);
  assert.match(
    line,
    /failed requests faaso 0 \/ compose 5 with a retrying client \(target 0: met\), wrk \(never retries\) faaso 3 \/ compose 7/,
  );
  assert.equal(
    swapRows(results.swaps).map((r) => r[7]),
    ['900 / 0 / 2', '800 / 5 / 0'],
  );
  assert.match(line, /1\.20× the per-fn cost of 10: linear/);
  const lossy = deploySummary({
    ...results,
    swaps: [{ ...results.swaps[0]!, retrying: { ok: 1, failed: 2, retried: 0, errors: {} } }, results.swaps[1]!],
    check: { routes: 500, checked: 4, failures: ['x'] },
  });
  assert.match(lossy, /target 0: missed/);
  assert.match(lossy, /1 wrong answers/);
  assert.match(
    deploySummary({ ...results, failures: [{ functions: 30, error: 'unhealthy' }] }),
    /30 fns 1\.50×, 30 fns FAILED/,
  );
  const steep = deploySummary({ ...results, core: [results.core[0]!, { ...results.core[1]!, perFunctionMs: 2 }] });
  assert.match(steep, /super-linear/);
});

test.run();
