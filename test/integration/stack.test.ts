// The runner end to end on the real engine, in a throwaway project with its own
// compose project name and free ports: up, routing through Caddy and direct,
// route changes and redeploys under load with zero failures, crash recovery,
// rollback, bad input, and plain `docker compose up` of the generated files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import net from 'node:net';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import {
  docker,
  freePort,
  httpGet,
  requireDocker,
  runScript,
  tempProject,
  waitFor,
  writeFunction,
  removeFunctionImages,
} from './helpers.ts';
import { describeLoad, startLoad } from '../../bench/lib/http-load.ts';

const test = suite('stack');
const PROJECT = 'faasoit';
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let proxy: number;
const ports: Record<string, number> = {};

const version = (v: number) => ({
  'function.yml': `runtime: python\ntests:\n  - name: version\n    request: {path: /}\n    expect: {json: {version: ${v}}}\n`,
  'handler.py': `import os\nif os.environ.get("CRASH_AT_START"):\n    raise SystemExit("crashing on purpose")\n\ndef handle(req):\n    return {"version": ${v}}\n`,
});

function faasoYml(routes: Record<string, string>): string {
  const r = Object.entries(routes)
    .map(([p, f]) => `  ${p}: ${f}`)
    .join('\n');
  // Only routed functions may have settings (faaso.yml rejects the others).
  const routed = new Set(Object.values(routes));
  const fns = Object.entries(ports)
    .filter(([f]) => routed.has(f))
    .map(([f, p]) => `  ${f}:\n    port: ${p}`)
    .join('\n');
  return `routes:\n${r}\nproxy:\n  port: ${proxy}\nfunctions:\n${fns}\n`;
}

const ALL = { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello', '/ver': 'faasoit-ver' };
const writeConfig = (routes: Record<string, string>) =>
  fs.writeFile(path.join(project.root, 'faaso.yml'), faasoYml(routes));
const via = (p: string) => `http://127.0.0.1:${proxy}${p}`;
const containers = async () =>
  (await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`))
    .split('\n')
    .filter(Boolean)
    .sort();

test.before(async () => {
  await requireDocker();
  project = await tempProject(['sum', 'multiply', 'hello']);
  env = { ...project.env, FAASO_PROJECT: PROJECT };
  proxy = await freePort();
  for (const f of ['sum', 'multiply', 'hello', 'faasoit-ver']) ports[f] = await freePort();
  await writeFunction(project.root, 'faasoit-ver', version(1));
  await writeConfig(ALL);
});

test.after(async () => {
  await runScript('down', [], env);
  await project.cleanup();
  await removeFunctionImages(['faasoit-ver', 'faasoit-extra', 'faasoit-unbuilt']);
});

test('up builds what is missing, starts the stack and prints where each route answers', async () => {
  const r = await runScript('up', [], env);
  assert.is(r.code, 0, r.output);
  assert.match(r.stdout, new RegExp(`/sum +http://127\\.0\\.0\\.1:${proxy}/sum +sum +\\S+ +1/1 healthy`));
  assert.match(r.stdout, /stack faasoit: started/);
});

test('every function answers through the proxy (prefix stripped) and on its own port', async () => {
  assert.equal(JSON.parse((await httpGet(via('/sum?a=1&b=2'))).body), { sum: 3 });
  assert.equal(JSON.parse((await httpGet(via('/mul/?a=6&b=7'))).body), { product: '42' });
  assert.is((await httpGet(via('/hello?name=Ada'))).body, 'Hello, Ada!');
  assert.equal(JSON.parse((await httpGet(`http://127.0.0.1:${ports.sum}/?a=2&b=2`)).body), { sum: 4 });
  assert.is((await httpGet(`http://127.0.0.1:${ports.hello}/?name=Bo`)).body, 'Hello, Bo!');
  const miss = await httpGet(via('/summary'));
  assert.is(miss.status, 404);
  assert.match(miss.type, /application\/json/);
  assert.equal(JSON.parse(miss.body), { error: 'no route for /summary' });
  assert.is((await httpGet(via('/__faaso/health'))).status, 200);
});

test('status --json: every function running and healthy, ports bound to loopback', async () => {
  const r = await runScript('status', ['--json'], env);
  assert.is(r.code, 0, r.output);
  const s = JSON.parse(r.stdout);
  assert.is(s.proxy.health, 'healthy');
  for (const f of s.functions) {
    assert.is(f.state, 'running', f.function);
    assert.is(f.health, '1/1 healthy', f.function);
    assert.is(f.replicas.length, 1, f.function);
  }
  assert.is(s.ports.state, 'running');
  // Every function's own port is published by the ports listener, on loopback.
  const published = await docker('port', `${PROJECT}-ports-1`);
  for (const f of ['sum', 'multiply', 'hello'])
    assert.match(published, new RegExp(`-> 127\\.0\\.0\\.1:${ports[f]}$`, 'm'), f);
  assert.is(await docker('port', `${PROJECT}-proxy-1`, '8080/tcp'), `127.0.0.1:${proxy}`);
  // The proxy logs every request; its Docker log is rotated, not kept forever.
  assert.is(
    await docker(
      'inspect',
      '-f',
      '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}',
      `${PROJECT}-proxy-1`,
    ),
    'json-file 10m 3',
  );
});

test("logs shows a function's output; an unknown name is a clear error", async () => {
  await httpGet(via('/sum?a=1&b=2'));
  const r = await runScript('logs', ['proxy', '--tail', '50'], env);
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /"uri":"\/sum\?a=1&b=2"/); // Caddy's JSON access log
  const bad = await runScript('logs', ['nope'], env);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /no container for "nope"/);
});

test('removing and adding a route under load: 0 failed requests on the other routes', async () => {
  // A route change reloads Caddy, which closes idle client keep-alive connections:
  // this client resends a GET on one that closed before any answer (and counts it).
  const load = startLoad([via('/sum?a=1&b=2'), via('/mul?a=2&b=3')], { retryClosed: 3 });
  await writeConfig(Object.fromEntries(Object.entries(ALL).filter(([p]) => p !== '/hello')));
  const removed = await runScript('up', [], env);
  assert.is(removed.code, 0, removed.output);
  assert.match(removed.stdout, /1 removed/);
  assert.is((await httpGet(via('/hello'))).status, 404);
  await writeConfig(ALL);
  const added = await runScript('up', [], env);
  assert.is(added.code, 0, added.output);
  assert.match(added.stdout, /1 started/);
  assert.is((await httpGet(via('/hello?name=Cy'))).body, 'Hello, Cy!');
  const result = await load.stop();
  console.log(
    `    route change under load (a client that resends a GET on a closed connection): ${describeLoad(result)}`,
  );
  assert.ok(result.ok > 100, 'the load generator barely ran');
  assert.is(result.failed, 0, JSON.stringify(result.errors));
});

test('redeploying a changed function under load: 0 failed requests of a client that never retries, the new code answers', async () => {
  assert.equal(JSON.parse((await httpGet(via('/ver'))).body), { version: 1 });
  const direct = `http://127.0.0.1:${ports['faasoit-ver']}/`;
  const load = startLoad([via('/ver'), via('/sum?a=1&b=2'), direct]);
  await writeFunction(project.root, 'faasoit-ver', version(2));
  const r = await runScript('up', [], env);
  const result = await load.stop();
  assert.is(r.code, 0, r.output);
  assert.match(r.stdout, /faasoit-ver: draining /);
  assert.match(r.stdout, /1 updated/);
  assert.not.match(r.stdout, /routes reloaded/);
  console.log(`    redeploy under load: ${describeLoad(result)}`);
  assert.is(result.failed, 0, JSON.stringify(result.errors));
  assert.equal(JSON.parse((await httpGet(via('/ver'))).body), { version: 2 });
  assert.equal(JSON.parse((await httpGet(direct)).body), { version: 2 });
});

test('a new version that never gets healthy is rolled back; the old one keeps serving', async () => {
  const before = await containers();
  // Same image, new env: the new container exits at start and never gets healthy.
  const yml = faasoYml(ALL).replace(
    `  faasoit-ver:\n    port: ${ports['faasoit-ver']}`,
    `  faasoit-ver:\n    port: ${ports['faasoit-ver']}\n    env: {CRASH_AT_START: "1"}`,
  );
  await fs.writeFile(path.join(project.root, 'faaso.yml'), yml);
  const r = await runScript('up', [], env);
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /never became ready/);
  assert.match(r.stderr, /rolled back: the replicas that ran before serve as before/);
  assert.equal(await containers(), before);
  assert.equal(JSON.parse((await httpGet(via('/ver'))).body), { version: 2 });
  await writeConfig(ALL);
});

test('kill -9 of a function process: it serves again within 5 s', async () => {
  const container = `${PROJECT}-sum-1`;
  const restarts = Number(await docker('inspect', '-f', '{{.RestartCount}}', container));
  // As uid 10001 inside the container: kill every process it may signal (the server), not PID 1.
  await run(['docker', 'exec', container, 'sh', '-c', 'kill -9 -1']);
  await waitFor(
    'a restart',
    async () => Number(await docker('inspect', '-f', '{{.RestartCount}}', container)) > restarts,
    5_000,
  );
  await waitFor('sum through the proxy', async () => (await httpGet(via('/sum?a=1&b=1'))).status === 200, 5_000);
});

test('bad faaso.yml: unknown function, duplicate path, missing slash — one message each, stack untouched', async () => {
  const before = await containers();
  const cases: [string, RegExp][] = [
    [`routes:\n  /sum: summ\n`, /faaso\.yml: routes\["\/sum"\]: unknown function "summ"/],
    [`routes:\n  /sum: sum\n  /sum/: sum\n`, /faaso\.yml: routes/],
    [`routes:\n  sum: sum\n`, /faaso\.yml: routes/],
  ];
  for (const [yml, re] of cases) {
    await fs.writeFile(path.join(project.root, 'faaso.yml'), yml);
    const r = await runScript('up', [], env);
    assert.is(r.code, 1, r.output);
    assert.match(r.stderr, re);
  }
  await writeConfig(ALL);
  assert.equal(await containers(), before);
});

test('a host port already in use is refused before anything changes', async () => {
  const before = await containers();
  const server = net.createServer();
  const busy = await freePort();
  await new Promise<void>((res) => server.listen(busy, '127.0.0.1', res));
  try {
    await writeFunction(project.root, 'faasoit-extra', version(7));
    const yml = faasoYml({ ...ALL, '/extra': 'faasoit-extra' }) + `  faasoit-extra:\n    port: ${busy}\n`;
    await fs.writeFile(path.join(project.root, 'faaso.yml'), yml);
    const r = await runScript('up', [], env);
    assert.is(r.code, 1, r.output);
    assert.match(
      r.stderr,
      new RegExp(`functions\\.faasoit-extra\\.port: port 127\\.0\\.0\\.1:${busy} is already in use`),
    );
    assert.equal(await containers(), before);
    assert.is((await httpGet(via('/extra'))).status, 404);
  } finally {
    server.close();
    await writeConfig(ALL);
  }
});

test('proxy limits in faaso.yml: up recreates the proxy with them, says so, and routes answer again', async () => {
  const proxyName = `${PROJECT}-proxy-1`;
  const nanoCpus = () => docker('inspect', '-f', '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}', proxyName);
  assert.is(await nanoCpus(), `1000000000 ${256 * 1024 * 1024}`);
  try {
    await fs.writeFile(
      path.join(project.root, 'faaso.yml'),
      faasoYml(ALL).replace(`proxy:\n  port: ${proxy}\n`, `proxy:\n  port: ${proxy}\n  cpus: 0.5\n  memory: 128m\n`),
    );
    const r = await runScript('up', [], env);
    assert.is(r.code, 0, r.output);
    assert.match(r.stdout, /proxy: recreating it \(its image, port or limits changed\)/);
    assert.is(await nanoCpus(), `500000000 ${128 * 1024 * 1024}`);
    assert.equal(JSON.parse((await httpGet(via('/sum?a=1&b=2'))).body), { sum: 3 });
    // The same limits again: nothing to do.
    const again = await runScript('up', [], env);
    assert.is(again.code, 0, again.output);
    assert.not.match(again.stdout, /recreating/);
  } finally {
    await writeConfig(ALL);
    const back = await runScript('up', [], env);
    assert.is(back.code, 0, back.output);
  }
  assert.is(await nanoCpus(), `1000000000 ${256 * 1024 * 1024}`);
});

test('Docker down: one clear message', async () => {
  const r = await runScript('up', [], { ...env, DOCKER_HOST: 'unix:///tmp/faaso-no-such-docker.sock' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /Docker is not running/);
});

test('compose.mjs and up --no-build use the built images, and refuse a function that is not built', async () => {
  const composeDir = path.join(project.root, 'compose');
  const files = ['docker-compose.yml', '.env', 'caddy/Caddyfile', 'caddy/ports.Caddyfile'];
  const before = await Promise.all(files.map((f) => fs.readFile(path.join(composeDir, f), 'utf8')));
  const running = await containers();
  const r = await runScript('compose', [], env);
  assert.is(r.code, 0, r.output);
  assert.equal(await Promise.all(files.map((f) => fs.readFile(path.join(composeDir, f), 'utf8'))), before);
  const same = await runScript('up', ['--no-build'], env);
  assert.is(same.code, 0, same.output);
  assert.match(same.stdout, /stack faasoit: up to date/);
  await writeFunction(project.root, 'faasoit-unbuilt', version(9));
  await fs.writeFile(path.join(project.root, 'faaso.yml'), faasoYml({ ...ALL, '/unbuilt': 'faasoit-unbuilt' }));
  try {
    const bad = await runScript('compose', [], env);
    assert.is(bad.code, 1, bad.output);
    assert.match(bad.stderr, /faasoit-unbuilt is not built/);
    const badUp = await runScript('up', ['--no-build'], env);
    assert.is(badUp.code, 1, badUp.output);
    assert.match(badUp.stderr, /faasoit-unbuilt is not built/);
    assert.equal(await containers(), running);
    assert.equal(await Promise.all(files.map((f) => fs.readFile(path.join(composeDir, f), 'utf8'))), before);
  } finally {
    await writeConfig(ALL);
  }
});

test('plain `docker compose up` of the generated files runs the stack with no faaso process', async () => {
  const down = await runScript('down', [], env);
  assert.is(down.code, 0, down.output);
  assert.equal(await containers(), []);
  const composeDir = path.join(project.root, 'compose');
  // No -f, no -p: the folder's docker-compose.yml and .env (the project name) are all it needs.
  const r = await run(['docker', 'compose', 'up', '-d', '--wait'], { cwd: composeDir });
  assert.is(r.exitCode, 0, r.stderr);
  assert.equal(
    JSON.parse(
      (
        await waitFor('sum via proxy', async () => {
          const res = await httpGet(via('/sum?a=2&b=3'));
          return res.status === 200 ? res : undefined;
        })
      ).body,
    ),
    { sum: 5 },
  );
  assert.is((await httpGet(`http://127.0.0.1:${ports.multiply}/?a=3&b=3`)).status, 200);
});

test.run();
