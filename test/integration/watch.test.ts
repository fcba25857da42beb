// The watcher against the real engine, on a stack of its own (compose project
// faaso-it-watch in a temp folder, never the real `faaso` stack): sum (the
// built image, one replica), trio (the same image, three replicas), the proxy
// and the ports listener, rendered by faaso's own renderers, plus a `crashy`
// service whose command exits at once. Each fault a function can suffer, with
// the time until it serves again:
//   kill -9 of its process (Docker's restart policy; watch reports it),
//   docker pause and a SIGSTOPped server (hung: watch restarts it),
//   docker stop (manual: watch starts it), docker rm -f (watch recreates it),
//   a crash loop (watch backs off and reports it, the healthy one undisturbed);
// and for one of trio's replicas: a SIGSTOPped server (only that container is
// restarted, the other two keep serving), docker rm -f (one replica created),
// a stop while `up` holds its lock (left alone until `up` is done).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isMapping } from '../../src/util/fields.ts';
import { parseYaml } from '../../src/util/yaml.ts';
import { Document } from 'yaml';
import { ensureInfraImage } from '../../src/images/infra.ts';
import { renderCaddyfile, renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { renderCompose, renderComposeEnv } from '../../src/stack/render/compose.ts';
import { planStack } from '../../src/stack/plan.ts';
import type { StackConfig } from '../../src/stack/types.ts';
import { run } from '../../src/exec/runner.ts';
import { LOCK_FILE } from '../../src/stack/lock.ts';
import { RESTART_STOP_SECONDS } from '../../src/watch/argv.ts';
import { PING_TIMEOUT_MS } from '../../src/watch/watch.ts';
import {
  REPO,
  docker,
  dockerOk,
  freePort,
  projectContainers,
  requireDocker,
  runScript,
  waitFor,
  type TestContainer,
} from './helpers.ts';

const test = suite('watch');

const PROJECT = 'faaso-it-watch';
const SUM_IMAGE = '127.0.0.1:5000/sum:latest';
const HEALTHCHECK = ['/usr/bin/python3', '/app/server.py', '--healthcheck'];
const TRIO_REPLICAS = 3;
const INTERVAL_S = 1;
const THRESHOLD = 2;
/*
 * Deadlines, derived from the watcher's settings rather than from one machine's
 * timings. A check is one `docker ps` + `docker inspect` and a /ping of each
 * function; on a busy 2-core box the two Docker calls took up to ~1 s, so each
 * check is allowed CHECK_S beyond its interval and ping timeout. A hang is acted
 * upon at the THRESHOLD-th failing check; the action (`docker restart -t 1`:
 * the stop grace, then Docker's own stop and start) gets ACTION_S; a restarted
 * python server answers within START_S (~0.3 s idle, up to ~3 s measured busy).
 */
const PING_S = Math.min(PING_TIMEOUT_MS / 1000, INTERVAL_S);
const CHECK_S = 1;
const ACTION_S = RESTART_STOP_SECONDS + 3;
const START_S = 5;
/** From the fault to the watcher's "→ restarted" line. */
const HANG_RESTART_S = THRESHOLD * (INTERVAL_S + PING_S + CHECK_S) + ACTION_S;
/** While `up` holds its lock: THRESHOLD checks' time, in which an unheld watcher would have acted. */
const HOLD_S = THRESHOLD * (INTERVAL_S + PING_S + CHECK_S);
/** watch's own actions end in their duration ("→ created (0.4s)"). */
const ACTION_LINE = / → (created|recreated|started|restarted|unpaused and restarted) \(\d+\.\ds\)$/;
/** From a removal to the watcher's "→ created" line: the next check sees it, the action (one `compose up`) follows. */
const MISSING_CREATE_S = INTERVAL_S + PING_S + CHECK_S + ACTION_S;
const log = (l: string) => process.stdout.write(`  ${l}\n`);

let root = '';
let composeDir = '';
let sumPort = 0;
let trioPort = 0;
let proxyPort = 0;
let env: Record<string, string> = {};
/** A `docker` first on the watcher's PATH that fails like an engine that went away while this file exists. */
let dockerDownFlag = '';
let fakePath = '';
const measured: string[] = [];

const composeArgs = (...args: string[]) => [
  'compose',
  '-f',
  path.join(composeDir, 'docker-compose.yml'),
  '-p',
  PROJECT,
  ...args,
];

async function container(service: string): Promise<TestContainer | null> {
  return (await projectContainers(PROJECT, service))[0] ?? null;
}

/** Every container of a service, by compose's container number. */
const replicas = (service: string): Promise<TestContainer[]> => projectContainers(PROJECT, service);

/** A replica's own /ping at its container address, as watch probes it (the host reaches Docker's bridge networks). */
async function answersAt(ip: string, timeoutMs = 500): Promise<boolean> {
  try {
    const res = await fetch(`http://${ip}:3000/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function serving(port = sumPort, p = '/ping'): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, { signal: AbortSignal.timeout(500) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Seconds from `since` until sum answers /ping again (polled every 100 ms). */
async function secondsUntilServing(since: number, timeoutMs: number): Promise<number> {
  await waitFor('sum serving again', () => serving(), timeoutMs);
  return (Date.now() - since) / 1000;
}

/**
 * Each fault below is a separate incident: wait until sum is healthy for Docker,
 * answers its /ping, and watch has said so ("healthy again" after the previous
 * incident). Otherwise back-to-back faults are, rightly, a crash loop to the watcher.
 */
let incidentAt = 0;
async function healedIncident(): Promise<void> {
  await waitFor('sum healthy', async () => (await container('sum'))?.health === 'healthy' && (await serving()), 30_000);
  if (incidentAt > 0) await line(/ sum: .*healthy again/, incidentAt, 30_000);
}

/**
 * Like healedIncident, for trio: all its replicas running, healthy and answering
 * at their own address, and the previous incident's "healthy again" said.
 */
let trioIncident: { at: number; label: RegExp } | null = null;
async function healedTrio(): Promise<TestContainer[]> {
  let now: TestContainer[] = [];
  await waitFor(
    `${TRIO_REPLICAS} trio replicas healthy`,
    async () => {
      now = (await replicas('trio')).filter((r) => r.status === 'running' && r.health === 'healthy');
      return now.length === TRIO_REPLICAS && (await Promise.all(now.map((r) => answersAt(r.ip)))).every(Boolean);
    },
    30_000,
  );
  if (trioIncident) await line(trioIncident.label, trioIncident.at, 30_000);
  return now;
}

/** Pings each replica's own address every 200 ms until stopped; their failures, and the slowest answer. */
function keepPinging(rs: TestContainer[]): () => Promise<{ pings: number; failed: string[]; slowestMs: number }> {
  let stop = false;
  const failed: string[] = [];
  let pings = 0;
  let slowestMs = 0;
  const loops = rs.map(async (r) => {
    while (!stop) {
      const started = Date.now();
      // Docker's own probe gives a replica 2 s (HEALTHCHECK_TIMING) before it counts as a failure.
      const ok = await answersAt(r.ip, 2000);
      const took = Date.now() - started;
      pings += 1;
      slowestMs = Math.max(slowestMs, took);
      if (!ok) failed.push(`trio-${r.number} at ${new Date(started).toISOString()} (${took} ms)`);
      await new Promise((res) => setTimeout(res, 200));
    }
  });
  return async () => {
    stop = true;
    await Promise.all(loops);
    return { pings, failed, slowestMs };
  };
}

/** Signals the function's server process: the child of the container's init (tini). */
async function signalServer(id: string, signal: 'KILL' | 'STOP'): Promise<void> {
  const script = `for p in /proc/[0-9]*; do read -r pid comm state ppid rest < "$p/stat"; [ "$ppid" = 1 ] && kill -${signal} "$pid"; done; true`;
  // A killed server ends tini, hence the container and this very exec: when that
  // wins the race, a foreground `docker exec` fails with no message. Detached, the
  // exec only has to start; the tests check what the signal did.
  await docker('exec', ...(signal === 'KILL' ? ['-d'] : []), id, 'sh', '-c', script);
}

/**
 * sum, trio (3 replicas), the proxy and the ports listener through faaso's
 * renderers; `crashy` (sum's service, but exiting at once) added to the compose text.
 */
async function writeStack(withCrashy: boolean): Promise<void> {
  const limits = { memory: '128m', cpus: 0.5, pids: 64 };
  const config: StackConfig = {
    file: 'faaso.yml',
    target: 'compose',
    bind: '127.0.0.1',
    proxy: { port: proxyPort },
    registry: '127.0.0.1:5000',
    routes: [
      { path: '/sum', function: 'sum' },
      { path: '/trio', function: 'trio' },
    ],
    functions: [
      { name: 'sum', port: sumPort, env: {}, limits, replicas: 1, parallelism: 1 },
      { name: 'trio', port: trioPort, env: {}, limits, replicas: TRIO_REPLICAS, parallelism: 1 },
    ],
  };
  const proxyImage = await ensureInfraImage(REPO, 'caddy', log);
  const image = { hash: 'latest', image: SUM_IMAGE, healthcheck: HEALTHCHECK };
  const plan = {
    ...planStack(
      config,
      new Map([
        ['sum', image],
        ['trio', image],
      ]),
      proxyImage,
    ),
    project: PROJECT,
  };
  let text = renderCompose(plan);
  if (withCrashy) {
    const doc = parseYaml(text, 'docker-compose.yml') as { services: Record<string, Record<string, unknown>> };
    const sum = doc.services.sum!;
    assert.ok(isMapping(sum.labels));
    doc.services.crashy = { ...sum, command: ['/bin/false'], labels: { ...sum.labels, 'faaso.function': 'crashy' } };
    text = new Document(doc).toString();
  }
  await fs.mkdir(path.join(composeDir, 'caddy'), { recursive: true });
  await fs.writeFile(path.join(composeDir, 'caddy', 'Caddyfile'), renderCaddyfile(plan));
  await fs.writeFile(path.join(composeDir, 'caddy', 'ports.Caddyfile'), renderPortsCaddyfile(plan));
  await fs.writeFile(path.join(composeDir, '.env'), renderComposeEnv(plan));
  await fs.writeFile(path.join(composeDir, 'docker-compose.yml'), text);
  // As if `up` wrote it a while ago: the watcher holds still for 10 s after a change.
  const past = new Date(Date.now() - 60_000);
  await fs.utimes(path.join(composeDir, 'docker-compose.yml'), past, past);
}

/** A watcher child process, its lines with arrival times. */
interface Watcher {
  child: ChildProcess;
  lines: { at: number; text: string }[];
  stderr: string;
  exit: Promise<number | null>;
}
let watcher: Watcher | null = null;

function startWatcher(args: string[], extraEnv: Record<string, string>): Watcher {
  const child = spawn(process.execPath, [path.join(REPO, 'scripts', 'watch.mjs'), ...args], {
    cwd: REPO,
    env: { ...process.env, FAASO_VERBOSE: '', ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: Watcher = { child, lines: [], stderr: '', exit: new Promise((r) => child.on('close', (code) => r(code))) };
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      w.lines.push({ at: Date.now(), text: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
  });
  child.stderr!.on('data', (d) => (w.stderr += d));
  return w;
}

async function line(re: RegExp, after: number, timeoutMs: number): Promise<{ at: number; text: string }> {
  return waitFor(
    `watch line ${re}`,
    async () => watcher!.lines.find((l) => l.at >= after && re.test(l.text)),
    timeoutMs,
  ).catch((err) => {
    throw new Error(
      `${(err as Error).message}\nwatch said:\n${watcher!.lines.map((l) => l.text).join('\n')}\n${watcher!.stderr}`,
    );
  });
}

test.before(async () => {
  await requireDocker();
  if (!(await dockerOk('image', 'inspect', SUM_IMAGE))) {
    const r = await runScript('build', ['sum']);
    if (r.code !== 0) throw new Error(`building sum failed:\n${r.output}`);
  }
  await cleanup();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-it-watch-'));
  composeDir = path.join(root, 'compose');
  env = { FAASO_ROOT: root, FAASO_PROJECT: PROJECT };
  const realDocker = await run(['sh', '-c', 'command -v docker']);
  dockerDownFlag = path.join(root, 'docker-is-down');
  await fs.mkdir(path.join(root, 'bin'));
  await fs.writeFile(
    path.join(root, 'bin', 'docker'),
    [
      '#!/bin/sh',
      `if [ -e '${dockerDownFlag}' ]; then echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1; fi`,
      `exec '${realDocker.stdout.trim()}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  fakePath = `${path.join(root, 'bin')}:${process.env.PATH}`;
  sumPort = await freePort();
  trioPort = await freePort();
  proxyPort = await freePort();
  await writeStack(false);
  const started = Date.now();
  await docker(...composeArgs('up', '-d', '--wait', '--wait-timeout', '60'));
  log(
    `stack up in ${((Date.now() - started) / 1000).toFixed(1)}s (sum on :${sumPort}, trio ×${TRIO_REPLICAS} on :${trioPort}, proxy on :${proxyPort})`,
  );
});

async function cleanup(): Promise<void> {
  if (watcher && watcher.child.exitCode === null) watcher.child.kill('SIGKILL');
  const ids = (await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`))
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker('rm', '-f', ...ids);
  await dockerOk('network', 'rm', `${PROJECT}_faaso`);
  if (root) await fs.rm(root, { recursive: true, force: true });
}

test.after(async () => {
  await cleanup();
  log(`measured:\n    ${measured.join('\n    ')}`);
});

test('--once with no compose file: "no stack", exit 1', async () => {
  const r = await runScript('watch', ['--once'], { FAASO_ROOT: path.join(root, 'nowhere'), FAASO_PROJECT: PROJECT });
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /error: no stack: .*docker-compose\.yml does not exist/);
  assert.match(r.stderr, /hint: run npx zx scripts\/up\.mjs first/);
});

test('--once on a healthy stack: only the startup line, exit 0; bad flags are user errors', async () => {
  const r = await runScript('watch', ['--once'], env);
  assert.is(r.code, 0, r.output);
  assert.equal(r.stdout.trim().split('\n').length, 1, r.stdout);
  assert.match(r.stdout, /checking once: ports, proxy, sum, trio ×3 \(/);
  const bad = await runScript('watch', ['--interval', '0'], env);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /--interval: expected a number from 0\.2 to 3600, got "0"/);
});

test('--once --json: a stopped function is started and waited for; one JSON object per line', async () => {
  const before = await container('sum');
  await docker('stop', '-t', '1', before!.id);
  const since = Date.now();
  const r = await runScript('watch', ['--once', '--json'], env);
  assert.is(r.code, 0, r.output);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const action = events.find((e) => e.event === 'action');
  assert.ok(action, r.stdout);
  assert.is(action!.service, 'sum');
  assert.match(String(action!.message), /^stopped \(exit code \d+\) → started \(\d+\.\d+s\)$/);
  assert.is(action!.ok, true);
  assert.ok(await serving());
  measured.push(`--once after docker stop: healthy again, exit 0, in ${((Date.now() - since) / 1000).toFixed(1)}s`);
});

test('a stack stopped on purpose (compose stop) is left down: --once says so, starts nothing (no replica), exit 1', async () => {
  await docker(...composeArgs('stop', '-t', '1'));
  const r = await runScript('watch', ['--once'], env);
  assert.is(r.code, 1, r.output);
  assert.match(r.stdout, /stack faaso-it-watch: no container is running: stack is down/);
  assert.not.match(r.stdout, / → /);
  assert.is((await container('sum'))!.status, 'exited');
  assert.equal(
    (await replicas('trio')).map((t) => t.status),
    ['exited', 'exited', 'exited'],
  );
  await docker(...composeArgs('up', '-d', '--wait', '--wait-timeout', '60'));
});

test('watch starts; crashy (missing) is created, then reported as crash-looping and left alone, sum undisturbed', async () => {
  await writeStack(true);
  const sumBefore = await container('sum');
  const since = Date.now();
  watcher = startWatcher(['--interval', String(INTERVAL_S), '--unhealthy-threshold', String(THRESHOLD)], {
    PATH: fakePath,
  });
  await line(/watching every 1s: crashy, ports, proxy, sum, trio ×3 /, since, 20_000);
  await line(/ crashy: missing → created \(/, since, 20_000);
  const loop = await line(/ crashy: crash-looping: .* → leaving it alone for 30s$/, since, 30_000);
  measured.push(`crash loop recognised ${((loop.at - since) / 1000).toFixed(1)}s after watch started`);
  // Left alone: during its 30 s period nothing about crashy is printed or done.
  await new Promise((r) => setTimeout(r, 5000));
  const later = watcher.lines.filter((l) => l.at > loop.at && / crashy: /.test(l.text));
  assert.equal(
    later.map((l) => l.text),
    [],
  );
  const sumAfter = await container('sum');
  assert.equal([sumAfter!.id, sumAfter!.restarts, sumAfter!.health], [sumBefore!.id, sumBefore!.restarts, 'healthy']);
  assert.ok(await serving(proxyPort, '/sum/ping'), 'sum answers through the proxy');
});

test(`kill -9 of the function process: serving again within ${ACTION_S + START_S} s (Docker restarts it), watch reports the crash`, async () => {
  const c = (await container('sum'))!;
  const since = Date.now();
  incidentAt = since;
  await signalServer(c.id, 'KILL');
  await waitFor('sum down', async () => !(await serving()), 5000).catch(() => undefined);
  const took = await secondsUntilServing(since, 10_000);
  measured.push(`kill -9 → serving again in ${took.toFixed(1)}s`);
  assert.ok(took <= ACTION_S + START_S, `took ${took}s`);
  await line(/ sum: crashed .*restarted by Docker/, since, 10_000);
  assert.is((await container('sum'))!.id, c.id);
});

test(`docker pause: restarted by watch within ${HANG_RESTART_S} s, serving ${START_S} s later at most`, async () => {
  await healedIncident();
  const c = (await container('sum'))!;
  const since = Date.now();
  incidentAt = since;
  await docker('pause', c.id);
  const restarted = await line(/ sum: paused 2 checks in a row → unpaused and restarted \(/, since, 30_000);
  const took = await secondsUntilServing(since, 30_000);
  measured.push(
    `docker pause → restart done ${((restarted.at - since) / 1000).toFixed(1)}s, serving ${took.toFixed(1)}s`,
  );
  assert.ok((restarted.at - since) / 1000 <= HANG_RESTART_S, `restarted after ${(restarted.at - since) / 1000}s`);
  assert.ok(took - (restarted.at - since) / 1000 <= START_S, `serving ${took}s after the pause`);
});

test(`a hung server (SIGSTOP: /ping stops answering, the container still "running"): restarted by watch within ${HANG_RESTART_S} s`, async () => {
  await healedIncident();
  const c = (await container('sum'))!;
  const since = Date.now();
  incidentAt = since;
  await signalServer(c.id, 'STOP');
  // watch pings /ping itself (1 s timeout), so the hang shows without waiting for Docker's probe.
  const failing = await line(/ sum: unhealthy \(check 1 of 2\)/, since, 30_000);
  const restarted = await line(/ sum: unhealthy 2 checks in a row → restarted \(/, since, 30_000);
  const took = await secondsUntilServing(since, 30_000);
  measured.push(
    `SIGSTOP hang → first failing check ${((failing.at - since) / 1000).toFixed(1)}s, restart done ${((restarted.at - since) / 1000).toFixed(1)}s, serving ${took.toFixed(1)}s`,
  );
  assert.ok(
    (failing.at - since) / 1000 <= INTERVAL_S + PING_S + CHECK_S,
    `first failing check after ${(failing.at - since) / 1000}s`,
  );
  assert.ok((restarted.at - since) / 1000 <= HANG_RESTART_S, `restarted after ${(restarted.at - since) / 1000}s`);
  assert.ok(took - (restarted.at - since) / 1000 <= START_S, `serving ${took}s after the hang`);
});

test('docker stop (manual, not restarted by Docker): watch starts it again', async () => {
  await healedIncident();
  const c = (await container('sum'))!;
  incidentAt = Date.now();
  await docker('stop', '-t', '1', c.id);
  const since = Date.now();
  await line(/ sum: stopped \(exit code \d+\) → started \(/, since, 15_000);
  const took = await secondsUntilServing(since, 15_000);
  measured.push(`docker stop → serving again ${took.toFixed(1)}s after the stop returned`);
  assert.is((await container('sum'))!.id, c.id);
});

test('docker rm -f: watch recreates it through compose', async () => {
  await healedIncident();
  const c = (await container('sum'))!;
  incidentAt = Date.now();
  await docker('rm', '-f', c.id);
  const since = Date.now();
  await line(/ sum: missing → created \(/, since, 15_000);
  const took = await secondsUntilServing(since, 30_000);
  measured.push(`docker rm -f → serving again in ${took.toFixed(1)}s`);
  const now = (await container('sum'))!;
  assert.is.not(now.id, c.id);
  await healedIncident();
  assert.ok(await serving(proxyPort, '/sum/ping'), 'the recreated sum answers through the proxy');
});

test('Docker going away mid-watch: said once, retried every interval, no crash; back: said once', async () => {
  const since = Date.now();
  await fs.writeFile(dockerDownFlag, '');
  await line(
    / stack faaso-it-watch: Docker is not reachable \(Cannot connect to the Docker daemon.*\): retrying every 1s$/,
    since,
    10_000,
  );
  await new Promise((r) => setTimeout(r, 3000));
  await fs.rm(dockerDownFlag);
  await line(/ stack faaso-it-watch: Docker is reachable again: watching$/, since, 10_000);
  assert.is(watcher!.lines.filter((l) => l.at >= since && /not reachable/.test(l.text)).length, 1);
  assert.is(watcher!.child.exitCode, null, 'still running');
  // --once cannot wait for it: a clear error instead.
  await fs.writeFile(dockerDownFlag, '');
  const r = await runScript('watch', ['--once'], { ...env, PATH: fakePath });
  await fs.rm(dockerDownFlag);
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /^error: Docker is not reachable \(Cannot connect to the Docker daemon/m);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
});

test('crashy: still crash-looping after its first period, reported once, never acted upon again', async () => {
  const first = watcher!.lines.find((l) => / crashy: crash-looping:/.test(l.text))!;
  const second = await line(/ crashy: still crash-looping: .* → leaving it alone for 1min$/, first.at, 60_000);
  measured.push(`crashy: second report ${((second.at - first.at) / 1000).toFixed(1)}s after the first`);
  const crashy = watcher!.lines.filter((l) => / crashy: /.test(l.text)).map((l) => l.text.replace(/^\S+ /, ''));
  // Only watch's own action lines count: "crashed → restarted by Docker" lines
  // report Docker's restarts, seen at whichever check.
  assert.is(crashy.filter((l) => ACTION_LINE.test(l)).length, 1, crashy.join('\n'));
  assert.is(crashy.filter((l) => /crash-looping/.test(l)).length, 2, crashy.join('\n'));
});

test(`one trio replica hung (SIGSTOP): exactly that container restarted within ${HANG_RESTART_S} s, the two others untouched and answering`, async () => {
  await healedIncident();
  const before = await healedTrio();
  const victim = before[1]!;
  const others = before.filter((r) => r.id !== victim.id);
  const label = `trio-${victim.number}`;
  const stopPinging = keepPinging(others);
  const since = Date.now();
  trioIncident = { at: since, label: new RegExp(` ${label}: healthy again$`) };
  await signalServer(victim.id, 'STOP');
  const failing = await line(new RegExp(` ${label}: unhealthy \\(check 1 of 2\\)$`), since, 30_000);
  const restarted = await line(new RegExp(` ${label}: unhealthy 2 checks in a row → restarted \\(`), since, 30_000);
  const after = await healedTrio();
  const pinged = await stopPinging();
  measured.push(
    `trio replica SIGSTOP → first failing check ${((failing.at - since) / 1000).toFixed(1)}s, restart done ${((restarted.at - since) / 1000).toFixed(1)}s, serving ${((Date.now() - since) / 1000).toFixed(1)}s; the other two: ${pinged.pings} pings, ${pinged.failed.length} failed, slowest ${pinged.slowestMs} ms`,
  );
  assert.ok((restarted.at - since) / 1000 <= HANG_RESTART_S, `restarted after ${(restarted.at - since) / 1000}s`);
  // Restarted in place (`docker restart` keeps the container); the others are the same containers, never restarted.
  assert.equal(
    after.map((r) => r.id),
    before.map((r) => r.id),
  );
  for (const o of others) assert.is(after.find((r) => r.id === o.id)!.restarts, 0, `trio-${o.number} restarts`);
  assert.equal(pinged.failed, [], 'the other replicas kept answering their /ping');
  assert.ok(pinged.pings >= 2 * others.length, `only ${pinged.pings} pings`);
  // watch said nothing about them, and never acted on the service as a whole.
  const said = watcher!.lines.filter((l) => l.at >= since && / trio(-\d+)?: /.test(l.text)).map((l) => l.text);
  assert.equal(
    said.filter((l) => !l.includes(` ${label}: `)),
    [],
    said.join('\n'),
  );
  assert.is(said.filter((l) => / → /.test(l)).length, 1, said.join('\n'));
});

test(`docker rm -f of one trio replica: one replica created (within ${MISSING_CREATE_S} s), back to ${TRIO_REPLICAS} serving`, async () => {
  const before = await healedTrio();
  const victim = before[0]!;
  await docker('rm', '-f', victim.id);
  const since = Date.now();
  trioIncident = { at: since, label: / trio: all 3 replicas healthy again$/ };
  const created = await line(/ trio: 1 of 3 replicas missing → created \(/, since, 30_000);
  const after = await healedTrio();
  measured.push(
    `trio replica docker rm -f → created ${((created.at - since) / 1000).toFixed(1)}s, ${TRIO_REPLICAS} serving again ${((Date.now() - since) / 1000).toFixed(1)}s`,
  );
  assert.ok((created.at - since) / 1000 <= MISSING_CREATE_S, `created after ${(created.at - since) / 1000}s`);
  assert.is(after.length, TRIO_REPLICAS);
  // The two that stayed are the same containers (--no-recreate), the new one has a new number.
  for (const o of before.slice(1))
    assert.ok(
      after.some((r) => r.id === o.id && r.restarts === 0),
      `trio-${o.number}`,
    );
  assert.not.ok(after.some((r) => r.id === victim.id));
  const actions = watcher!.lines.filter((l) => l.at >= since && / trio(-\d+)?: .* → /.test(l.text));
  assert.is(actions.length, 1, actions.map((l) => l.text).join('\n'));
  assert.ok(await serving(trioPort), 'trio answers on its own port');
});

test('while `up` holds its lock: no action (a stopped trio replica stays stopped), said once; released: said once, then healed', async () => {
  const before = await healedTrio();
  const victim = before.at(-1)!;
  const label = `trio-${victim.number}`;
  const lock = path.join(composeDir, LOCK_FILE);
  const since = Date.now();
  // Held by a live process, as `up` holds it: this test's own.
  await fs.writeFile(lock, JSON.stringify({ pid: process.pid, since }));
  await line(
    new RegExp(` stack ${PROJECT}: \`up\` \\(pid ${process.pid}\\) is applying changes: holding off$`),
    since,
    10_000,
  );
  await docker('stop', '-t', '1', victim.id);
  // Left alone for as long as THRESHOLD checks take: without the lock it would be started at the first.
  await new Promise((r) => setTimeout(r, HOLD_S * 1000));
  assert.is((await replicas('trio')).find((r) => r.id === victim.id)!.status, 'exited');
  const released = Date.now();
  await fs.rm(lock);
  await line(/ stack faaso-it-watch: `up` finished: watching$/, released, 10_000);
  const started = await line(new RegExp(` ${label}: stopped \\(exit code \\d+\\) → started \\(`), released, 15_000);
  trioIncident = { at: started.at, label: new RegExp(` ${label}: healthy again$`) };
  await healedTrio();
  const held = watcher!.lines.filter((l) => l.at >= since && l.at < released).map((l) => l.text);
  assert.equal(
    held.filter((l) => ACTION_LINE.test(l)),
    [],
    held.join('\n'),
  );
  assert.is(held.filter((l) => /is applying changes: holding off$/.test(l)).length, 1, held.join('\n'));
  assert.is(watcher!.lines.filter((l) => l.at >= since && /`up` finished/.test(l.text)).length, 1);
  measured.push(
    `\`up\` lock held ${((released - since) / 1000).toFixed(1)}s: nothing done; released → trio replica started ${((started.at - released) / 1000).toFixed(1)}s later`,
  );
});

test('SIGTERM: a clean exit, no stack trace', async () => {
  const since = Date.now();
  watcher!.child.kill('SIGTERM');
  const code = await watcher!.exit;
  assert.is(code, 0, watcher!.stderr);
  assert.is(watcher!.stderr, '');
  assert.match(watcher!.lines.at(-1)!.text, /stack faaso-it-watch: stopped \(SIGTERM\)$/);
  measured.push(`SIGTERM → exit in ${((Date.now() - since) / 1000).toFixed(1)}s`);
  log(`watch said:\n    ${watcher!.lines.map((l) => l.text).join('\n    ')}`);
});

test.run();
