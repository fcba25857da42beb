// Replicas on the real engine, in a throwaway project (compose project
// faasoit-rep, free ports): scaling, rolling updates, a one-replica redeploy,
// a killed replica and a version that never gets ready, each under load from
// clients that never retry (GET and POST loops on keep-alive connections,
// through the proxy's route and the function's own port), and an idle client
// connection to each proxy that must survive every change (a Caddy reload
// would close it), then plain `docker compose up` of the generated files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { startLoad, type LoadRun, type Target } from '../../bench/lib/http-load.ts';
import {
  docker,
  REPO,
  freePort,
  httpGet,
  removeFunctionImages,
  requireDocker,
  stopLoads,
  runScript,
  tempProject,
  waitFor,
  writeFunction,
  projectContainers,
} from './helpers.ts';

const test = suite('replicas');
const PROJECT = 'faasoit-rep';
const FN = 'faasoit-rep';
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let proxyPort = 0;
let ownPort = 0;
const log = (l: string) => process.stdout.write(`    ${l}\n`);

// Answers with its version and the V env var, so a rolling update shows which replicas answer.
const handler = `import os
if os.environ.get("CRASH_AT_START"):
    raise SystemExit("crashing on purpose")

def handle(req):
    return {"version": 1, "v": os.environ.get("V", ""), "host": os.environ.get("HOSTNAME", "")}
`;
const FUNCTION_YML = 'runtime: python\ntests:\n  - name: version\n    request: {path: /}\n    expect: {status: 200}\n';

async function writeYml(replicas: number, extra = ''): Promise<void> {
  const text = `# replicas test: comments must survive scale.mjs
routes:
  /rep: ${FN}
proxy:
  port: ${proxyPort}
functions:
  ${FN}:
    port: ${ownPort}   # its own port
    replicas: ${replicas}
${extra}`;
  await fs.writeFile(path.join(project.root, 'faaso.yml'), text);
}

const via = (p = '/') => `http://127.0.0.1:${proxyPort}/rep${p}`;
const direct = (p = '/') => `http://127.0.0.1:${ownPort}${p}`;
const okJson = (body: string) => {
  try {
    return JSON.parse(body).version === 1;
  } catch {
    return false;
  }
};

/** GET and POST loops through the route and on the function's own port: no retries, every failure counted. */
function load(): { get: LoadRun; post: LoadRun } {
  const post = (url: string): Target => ({
    url,
    method: 'POST',
    body: '{"n": 1}',
    headers: { 'content-type': 'application/json' },
    check: okJson,
  });
  return {
    get: startLoad(
      [
        { url: via(), check: okJson },
        { url: direct(), check: okJson },
      ],
      { concurrency: 2, maxMs: 300_000 },
    ),
    post: startLoad([post(via()), post(direct())], { concurrency: 2, maxMs: 300_000 }),
  };
}

/**
 * An idle keep-alive client connection to a proxy: it must still be open and
 * usable after the change (a Caddy reload closes idle client connections).
 */
async function idleConnection(port: number): Promise<{ survived: () => Promise<boolean> }> {
  const sock = net.connect(port, '127.0.0.1');
  let closed = false;
  let data = '';
  sock.on('data', (d) => (data += d));
  sock.on('close', () => (closed = true));
  sock.on('error', () => (closed = true));
  const ask = async (): Promise<boolean> => {
    data = '';
    sock.write(`GET /__faaso/health HTTP/1.1\r\nHost: x\r\n\r\n`);
    await waitFor('an answer on the idle connection', async () => data.includes('\r\n\r\n') || closed, 5000).catch(
      () => undefined,
    );
    return !closed && data.startsWith('HTTP/1.1 ');
  };
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
  if (port === proxyPort) assert.ok(await ask(), 'the proxy answers on a fresh keep-alive connection');
  return {
    survived: async () => {
      const ok = port === proxyPort ? await ask() : !closed;
      sock.destroy();
      return ok;
    },
  };
}

/** Every container of the function, by number. */
const replicas = async () => (await projectContainers(PROJECT)).filter((c) => c.name.startsWith(`${PROJECT}-${FN}-`));
const running = async () => (await replicas()).filter((r) => r.status === 'running');

test.before(async () => {
  await requireDocker();
  project = await tempProject();
  env = { ...project.env, FAASO_PROJECT: PROJECT };
  proxyPort = await freePort();
  ownPort = await freePort();
  await writeFunction(project.root, FN, { 'function.yml': FUNCTION_YML, 'handler.py': handler });
  await writeYml(1);
});

test.after(async () => {
  await runScript('down', [], env);
  await project.cleanup();
  await removeFunctionImages([FN]);
});

test('up: one replica, healthy, answering through the route and on its own port', async () => {
  const r = await runScript('up', [], env);
  assert.is(r.code, 0, r.output);
  assert.match(r.stdout, new RegExp(`/rep +http://127\\.0\\.0\\.1:${proxyPort}/rep +${FN} +\\S+ +1/1 healthy`));
  assert.ok(okJson((await httpGet(via())).body));
  assert.ok(okJson((await httpGet(direct())).body));
});

test('scale 1 → 3 → 1 under load: 0 failed requests, no reload, faaso.yml edited in place', async () => {
  const idleProxy = await idleConnection(proxyPort);
  const idlePorts = await idleConnection(ownPort);
  const l = load();
  const up = await runScript('scale', [FN, '3'], env);
  assert.is(up.code, 0, up.output);
  assert.match(up.stdout, new RegExp(`${FN}: 3 replica\\(s\\), 3/3 healthy`));
  assert.is((await running()).length, 3);
  const yml = await fs.readFile(path.join(project.root, 'faaso.yml'), 'utf8');
  assert.match(yml, /^# replicas test: comments must survive scale\.mjs$/m);
  assert.match(yml, new RegExp(`port: ${ownPort} {3}# its own port\\n {4}replicas: 3\\n`));
  // Requests spread over the three.
  const hosts = new Set<string>();
  for (let i = 0; i < 30; i++) hosts.add(JSON.parse((await httpGet(via())).body).host);
  assert.is(hosts.size, 3, [...hosts].join(' '));
  const down = await runScript('scale', [FN, '1'], env);
  assert.is(down.code, 0, down.output);
  const { get, post } = await stopLoads(l, 'scale 1 → 3 → 1');
  assert.is(get.failed + post.failed, 0);
  assert.is((await running()).length, 1);
  assert.not.match(up.stdout + down.stdout, /routes reloaded|recreating/);
  assert.ok(await idleProxy.survived(), 'an idle client connection to the proxy was closed: the proxy reloaded');
  assert.ok(await idlePorts.survived(), 'an idle client connection to the own port was closed');
});

test('a rolling update of 3 replicas (env change) under load: 0 failed requests, every replica replaced, no reload', async () => {
  assert.is((await runScript('scale', [FN, '3'], env)).code, 0);
  const before = (await running()).map((r) => r.id);
  const idleProxy = await idleConnection(proxyPort);
  const l = load();
  const started = Date.now();
  await writeYml(3, '    env: {V: "2"}\n');
  const r = await runScript('up', [], env);
  const took = (Date.now() - started) / 1000;
  const { get, post } = await stopLoads(l, 'rolling update of 3');
  assert.is(r.code, 0, r.output);
  assert.match(r.stdout, /stack faasoit-rep: 1 updated/);
  log(`rolling update of 3 replicas: up took ${took.toFixed(1)} s`);
  assert.is(get.failed + post.failed, 0);
  const after = (await running()).map((r) => r.id);
  assert.is(after.length, 3);
  assert.equal(
    after.filter((id) => before.includes(id)),
    [],
    'an old replica survived the update',
  );
  for (let i = 0; i < 9; i++) assert.is(JSON.parse((await httpGet(via())).body).v, '2');
  assert.not.match(r.stdout, /routes reloaded|recreating/);
  assert.ok(await idleProxy.survived(), 'an idle client connection to the proxy was closed: the proxy reloaded');
});

test('a redeploy of a 1-replica function under load: 0 failed requests; its own port answers throughout', async () => {
  assert.is((await runScript('scale', [FN, '1'], env)).code, 0);
  const [old] = await running();
  const l = load();
  await writeYml(1, '    env: {V: "3"}\n');
  const started = Date.now();
  const r = await runScript('up', [], env);
  const took = (Date.now() - started) / 1000;
  const { get, post } = await stopLoads(l, 'redeploy of 1');
  assert.is(r.code, 0, r.output);
  log(`redeploy of 1 replica: up took ${took.toFixed(1)} s`);
  assert.is(get.failed + post.failed, 0);
  const now = await running();
  assert.is(now.length, 1);
  assert.is.not(now[0]!.id, old!.id);
  assert.is(JSON.parse((await httpGet(direct())).body).v, '3');
});

test('kill -9 of one of 3 replicas under load: 0 failed GETs (retried on another replica); a POST fails only if it was in flight there', async () => {
  assert.is((await runScript('scale', [FN, '3'], env)).code, 0);
  const victim = (await running())[1]!;
  const l = load();
  await new Promise((r) => setTimeout(r, 1000));
  // As the server's uid inside the container: every process it may signal (the server), not PID 1.
  await run(['docker', 'exec', '-d', victim.id, 'sh', '-c', 'kill -9 -1']);
  await waitFor(
    'the killed replica restarted by Docker',
    async () => (await replicas()).find((r) => r.id === victim.id)!.restarts > 0,
    15_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  const { get, post } = await stopLoads(l, 'kill -9 of 1 of 3');
  assert.is(get.failed, 0, JSON.stringify(get.errors));
  // At most one POST per POST worker can have been inside the killed server; Caddy never resends a POST.
  assert.ok(post.failed <= 2, JSON.stringify(post.errors));
  assert.is((await running()).length, 3);
});

test('a hung replica (SIGSTOP) is restarted by watch; the others keep serving: 0 failed GETs, a POST fails only if it was stuck there', async () => {
  const watch = spawn(
    process.execPath,
    [path.join(REPO, 'scripts', 'watch.mjs'), '--interval', '1', '--unhealthy-threshold', '2'],
    {
      cwd: REPO,
      env: { ...process.env, FAASO_VERBOSE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let said = '';
  watch.stdout!.on('data', (d) => (said += d));
  watch.stderr!.on('data', (d) => (said += d));
  try {
    await waitFor('watch watching', async () => /watching every 1s/.test(said), 20_000);
    const victim = (await running())[0]!;
    const others = (await running()).slice(1);
    const l = load();
    await new Promise((r) => setTimeout(r, 500));
    const since = Date.now();
    // SIGSTOP the server (the child of the container's init): the container stays "running".
    await docker(
      'exec',
      victim.id,
      'sh',
      '-c',
      'for p in /proc/[0-9]*; do read -r pid comm state ppid rest < "$p/stat"; [ "$ppid" = 1 ] && kill -STOP "$pid"; done; true',
    );
    const number = victim.name.split('-').pop();
    await waitFor(
      'watch restarting the hung replica',
      async () => new RegExp(`${FN}-${number}: unhealthy 2 checks in a row → restarted`).test(said),
      30_000,
    );
    log(`hung replica restarted by watch ${((Date.now() - since) / 1000).toFixed(1)} s after SIGSTOP`);
    await waitFor('the replica serving again', async () => (await running()).length === 3, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const { get, post } = await stopLoads(l, 'hung replica restarted by watch');
    assert.is(get.failed, 0, JSON.stringify(get.errors));
    assert.ok(post.failed <= 2, JSON.stringify(post.errors));
    // Only the hung one was touched.
    const after = await replicas();
    for (const o of others) assert.is(after.find((r) => r.id === o.id)?.restarts, o.restarts, o.name);
    assert.not.match(
      said,
      new RegExp(
        `${others
          .map((o) => o.name.split('-').pop())
          .map((n) => `${FN}-${n}:`)
          .join('|')}`,
      ),
    );
  } finally {
    watch.kill('SIGTERM');
  }
});

test('a version that never gets ready: rolled back, every old replica still serving, 0 failed requests', async () => {
  const before = (await running()).map((r) => r.id).sort();
  assert.is(before.length, 3);
  const l = load();
  await writeYml(3, '    env: {V: "3", CRASH_AT_START: "1"}\n');
  const r = await runScript('up', [], env);
  const { get, post } = await stopLoads(l, 'never ready, rolled back');
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /the new replica never became ready: .*(exit code 1|crashed)/);
  assert.match(r.stderr, /crashing on purpose/);
  assert.match(r.stderr, /rolled back: the replicas that ran before serve as before/);
  assert.is(get.failed + post.failed, 0);
  assert.equal((await running()).map((x) => x.id).sort(), before);
  assert.equal((await replicas()).length, 3, 'the failed replica is gone');
  const compose = await fs.readFile(path.join(project.root, 'compose', 'docker-compose.yml'), 'utf8');
  assert.not.match(compose, /CRASH_AT_START/, 'the compose file describes what runs');
  await writeYml(3, '    env: {V: "3"}\n');
});

test('status: 3/3 healthy, each replica in --json', async () => {
  const r = await runScript('status', ['--json'], env);
  assert.is(r.code, 0, r.output);
  const s = JSON.parse(r.stdout);
  const f = s.functions.find((x: { function: string }) => x.function === FN);
  assert.is(f.health, '3/3 healthy');
  assert.is(f.replicas.length, 3);
  for (const rep of f.replicas) assert.equal([rep.state, rep.health], ['running', 'healthy']);
  assert.is(s.ports.state, 'running');
  const table = await runScript('status', [], env);
  assert.match(table.stdout, new RegExp(`${FN} +/rep +\\S+ +3/3 healthy`));
});

test('plain `docker compose up` of the generated files runs the same stack, replicas included', async () => {
  assert.is((await runScript('down', [], env)).code, 0);
  const composeDir = path.join(project.root, 'compose');
  const r = await run(['docker', 'compose', 'up', '-d', '--wait'], { cwd: composeDir });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is((await running()).length, 3);
  assert.ok(okJson((await httpGet(via())).body));
  assert.ok(
    okJson(
      (
        await waitFor('own port', async () => {
          const res = await httpGet(direct()).catch(() => undefined);
          return res?.status === 200 ? res : undefined;
        })
      ).body,
    ),
  );
  // faaso sees it as its own: nothing to change.
  const again = await runScript('up', ['--no-build'], env);
  assert.is(again.code, 0, again.output);
  assert.match(again.stdout, /up to date/);
});

test.run();
