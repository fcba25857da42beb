// Secrets and route auth end to end on the real engine, registry, compose and
// Caddy, in a throwaway project (its own store) with its own compose project
// name and free ports: one function per runtime reading its secret through the
// runtime's helper, each auth mode (API keys, users, both) with right, wrong,
// missing and foreign credentials, rotations through `secret set` + `up`
// (exactly the functions that use a secret replaced), a secret not set failing
// `up`, plain `docker compose up` of the generated files, and every value ever
// set searched for everywhere it must never be (the Swarm stack file included,
// rendered from this stack's own plan).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { resolveSettings } from '../../src/settings.ts';
import { caddyAdapter, imageCheck } from '../../src/stack/files.ts';
import { prepareStack } from '../../src/stack/prepare.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { renderSwarmStack } from '../../src/stack/render/swarm.ts';
import { routesJson } from '../../src/stack/render/swarm-routes.ts';
import { loadTemplates } from '../../src/template/load.ts';
import { describeLoad, startLoad } from '../../bench/lib/http-load.ts';
import {
  docker,
  freePort,
  httpGet,
  removeFunctionImages,
  requireDocker,
  runScript,
  tempProject,
  writeFunction,
  type ScriptResult,
} from './helpers.ts';

const test = suite('secrets');
const PROJECT = 'faasosec';
const FUNCTIONS = ['faasosec-py', 'faasosec-node', 'faasosec-cr'];
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let proxy: number;
const ports: Record<string, number> = {};
/** Every value this test ever stores: none may show up where secrets must not be. */
const values: string[] = [];
/** Everything faaso printed in this test (its messages must not show a value either). */
let printed = '';

const rand = (): string => randomBytes(12).toString('hex');
const secrets: Record<string, string> = {};
const newValue = (name: string, prefix: string): string => {
  const v = `${prefix}-${rand()}`;
  secrets[name] = v;
  values.push(v);
  return v;
};

async function faaso(name: string, args: string[], input?: string): Promise<ScriptResult> {
  const r = await runScript(name, args, env, 'scripts', input);
  printed += r.output;
  return r;
}

async function setSecret(name: string, value: string): Promise<void> {
  const r = await faaso('secret', ['set', name], `${value}\n`);
  assert.is(r.code, 0, r.output);
}

/**
 * `slow`: Caddy checks a user it does not know against a fixed cost-14 bcrypt
 * hash (so that unknown users take as long as known ones), 16 times the work
 * of a cost-10 check: seconds on a busy machine.
 */
const via = (p: string, headers: Record<string, string> = {}, slow = false) =>
  httpGet(`http://127.0.0.1:${proxy}${p}`, { headers }, slow ? 60_000 : 5000);
const own = (fn: string, headers: Record<string, string> = {}, p = '/') =>
  httpGet(`http://127.0.0.1:${ports[fn]}${p}`, { headers });
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function containerIds(): Promise<Record<string, string[]>> {
  const out = await docker(
    'ps',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--format',
    '{{.Label "com.docker.compose.service"}} {{.ID}}',
  );
  const by: Record<string, string[]> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [service, id] = line.split(' ');
    (by[service!] ??= []).push(id!);
  }
  return by;
}

/** 401 with a JSON body: the proxy answered, the function never saw the request. */
async function denied(r: ReturnType<typeof via>): Promise<void> {
  const res = await r;
  assert.is(res.status, 401, res.body);
  assert.match(res.type, /application\/json/);
  assert.equal(JSON.parse(res.body), { error: 'unauthorized' });
}

/** Raw headers of a GET (fetch merges repeated WWW-Authenticate headers into one, comma-separated). */
async function challenges(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  await res.text();
  return res.headers.get('www-authenticate') ?? '';
}

function writeConfig(): Promise<void> {
  const yml = `routes:
  /py:
    function: faasosec-py
    auth: {api_keys: [key-a, key-b], basic: {alice: alice-pw}}
  /node:
    function: faasosec-node
    auth: {api_keys: [key-a]}
  /cr:
    function: faasosec-cr
    auth: {basic: {bob: bob-pw}}
  /sum: sum
proxy: {port: ${proxy}}
functions:
${Object.entries(ports)
  .map(([f, p]) => `  ${f}: {port: ${p}}`)
  .join('\n')}
`;
  return fs.writeFile(path.join(project.root, 'faaso.yml'), yml);
}

test.before(async () => {
  await requireDocker();
  project = await tempProject(['sum']);
  env = { ...project.env, FAASO_PROJECT: PROJECT };
  proxy = await freePort();
  for (const f of [...FUNCTIONS, 'sum']) ports[f] = await freePort();
  await writeFunction(project.root, 'faasosec-py', {
    'function.yml':
      'runtime: python\nsecrets: [db-password]\ntest_secrets: {db-password: py-test-value}\n' +
      'tests:\n  - name: reads its test secret\n    expect: {json: {secret: py-test-value, calls: 1, authorization: null, x_api_key: null}}\n',
    'handler.py':
      'from faaso import secret\n\ncalls = 0\n\n\ndef handle(req):\n    global calls\n    calls += 1\n' +
      '    return {"secret": secret("db-password"), "calls": calls,\n' +
      '            "authorization": req.headers.get("authorization"), "x_api_key": req.headers.get("x-api-key")}\n',
  });
  await writeFunction(project.root, 'faasosec-node', {
    'function.yml':
      'runtime: node\nsecrets: [api-token]\ntest_secrets: {api-token: node-test-value}\n' +
      'tests:\n  - name: reads its test secret\n    expect: {json: {secret: node-test-value, calls: 1, authorization: null, x_api_key: null}}\n',
    'handler.js':
      "const { secret } = require('./faaso.cjs');\n\nlet calls = 0;\n\n" +
      "module.exports = {\n  handle: (req) => ({\n    secret: secret('api-token'),\n    calls: ++calls,\n" +
      "    authorization: req.headers.authorization ?? null,\n    x_api_key: req.headers['x-api-key'] ?? null,\n  }),\n};\n",
  });
  await writeFunction(project.root, 'faasosec-cr', {
    'function.yml':
      'runtime: crystal\nsecrets: [db-password]\ntest_secrets: {db-password: cr-test-value}\n' +
      'tests:\n  - name: reads its test secret\n    expect: {json: {secret: cr-test-value}}\n',
    'src/handler.cr': 'def handle(req : Faaso::Request)\n  {secret: Faaso.secret("db-password")}\nend\n',
  });
  await writeConfig();
});

test.after(async () => {
  await runScript('down', [], env);
  await run(['docker', 'compose', '-f', path.join(project.root, 'compose', 'docker-compose.yml'), 'down', '-t', '1']);
  await project.cleanup();
  await removeFunctionImages([...FUNCTIONS, 'faasosec-notest']);
});

test('up with secrets not set: every use named (file and field), nothing built or started', async () => {
  const r = await faaso('up', []);
  assert.is(r.code, 1, r.output);
  for (const line of [
    'faaso.yml: routes["/cr"].auth.basic.bob: secret "bob-pw" is not set: npx zx scripts/secret.mjs set bob-pw',
    'faaso.yml: routes["/py"].auth.api_keys[1]: secret "key-b" is not set',
    'functions/faasosec-node/function.yml: secrets[0]: secret "api-token" is not set',
    'functions/faasosec-py/function.yml: secrets[0]: secret "db-password" is not set',
    'functions/faasosec-cr/function.yml: secrets[0]: secret "db-password" is not set',
  ])
    assert.ok(r.stderr.includes(line), `${line}\n---\n${r.stderr}`);
  assert.not.match(r.output, /building|pushing/);
  assert.equal(await containerIds(), {});
});

test('a function declaring a secret with tests but no test value: its build fails saying so', async () => {
  await writeFunction(project.root, 'faasosec-notest', {
    'function.yml': 'runtime: python\nsecrets: [db-password]\ntests:\n  - name: t\n',
    'handler.py': 'def handle(req):\n    return 1\n',
  });
  const r = await faaso('build', ['faasosec-notest']);
  await fs.remove(path.join(project.root, 'functions', 'faasosec-notest'));
  assert.is(r.code, 1, r.output);
  assert.match(
    r.stderr,
    /functions\/faasosec-notest\/function\.yml: test_secrets: no test value for "db-password": the tests never read the secret store/,
  );
});

test('secret set reads stdin (never argv); list names users and when, never values; store modes', async () => {
  const argv = await faaso('secret', ['set', 'db-password', 'oops-a-value']);
  assert.is(argv.code, 1);
  assert.match(argv.stderr, /a value is never given on the command line/);
  await setSecret('db-password', newValue('db-password', 'db'));
  await setSecret('api-token', newValue('api-token', 'tok'));
  await setSecret('key-a', newValue('key-a', 'key-a'));
  await setSecret('key-b', newValue('key-b', 'key-b'));
  await setSecret('alice-pw', newValue('alice-pw', 'alice'));
  await setSecret('bob-pw', newValue('bob-pw', 'bob'));
  const store = path.join(project.root, '.faaso', 'secrets');
  assert.is(fs.statSync(store).mode & 0o777, 0o700);
  assert.is(fs.statSync(path.join(store, 'db-password')).mode & 0o777, 0o600);
  // One trailing line break (what `echo` adds) is not part of the value.
  assert.is(fs.readFileSync(path.join(store, 'db-password'), 'utf8'), secrets['db-password']);
  const list = await faaso('secret', ['list', '--json']);
  assert.is(list.code, 0, list.output);
  const rows = JSON.parse(list.stdout) as { name: string; usedBy: string[]; setAt: string }[];
  assert.equal(
    rows.map((r) => [r.name, r.usedBy]),
    [
      ['alice-pw', ['route /py (user alice)']],
      ['api-token', ['function faasosec-node']],
      ['bob-pw', ['route /cr (user bob)']],
      ['db-password', ['function faasosec-cr', 'function faasosec-py']],
      ['key-a', ['route /node (API key)', 'route /py (API key)']],
      ['key-b', ['route /py (API key)']],
    ],
  );
  for (const r of rows) assert.ok(Date.now() - Date.parse(r.setAt) < 600_000, r.name);
});

test('up: each runtime reads its secret with its helper; the function tests ran with the test values', async () => {
  const r = await faaso('up', []);
  assert.is(r.code, 0, r.output);
  for (const fn of FUNCTIONS) assert.match(r.stdout, new RegExp(`✓ ${fn}: built .*tests 1/1 passed`));
  assert.equal(JSON.parse((await via('/py', bearer(secrets['key-a']!))).body).secret, secrets['db-password']);
  assert.equal(JSON.parse((await via('/node', bearer(secrets['key-a']!))).body).secret, secrets['api-token']);
  assert.equal(JSON.parse((await via('/cr', basic('bob', secrets['bob-pw']!))).body).secret, secrets['db-password']);
  const t = await faaso('test', ['faasosec-node']);
  assert.is(t.code, 0, t.output);
  assert.match(t.stdout, /1 passed, 0 failed/);
});

test('API keys (/node): missing, wrong or another route’s key → 401 the function never sees; Bearer or X-API-Key → 200', async () => {
  const { calls: before } = JSON.parse((await via('/node', { 'x-api-key': secrets['key-a']! })).body);
  await denied(via('/node'));
  assert.is(await challenges(`http://127.0.0.1:${proxy}/node`), 'Bearer realm="faaso"');
  await denied(via('/node', { 'x-api-key': 'wrong-key-0123456789' }));
  await denied(via('/node', bearer('wrong-key-0123456789')));
  await denied(via('/node', bearer(secrets['key-b']!))); // valid on /py only
  await denied(via('/node', { authorization: secrets['key-a']! })); // no "Bearer "
  await denied(via('/node', basic('alice', secrets['alice-pw']!)));
  const ok = JSON.parse((await via('/node/x?y=1', bearer(secrets['key-a']!))).body);
  const ok2 = JSON.parse((await via('/node', { 'x-api-key': secrets['key-a']! })).body);
  assert.equal([ok.calls, ok2.calls], [before + 1, before + 2], 'no denied request reached the function');
  assert.equal([ok.authorization, ok.x_api_key, ok2.x_api_key], [null, null, null], 'credentials are not forwarded');
  // Its own port asks for the same keys.
  await denied(own('faasosec-node'));
  assert.is((await own('faasosec-node', { 'x-api-key': secrets['key-a']! })).status, 200);
});

test('basic auth (/cr): missing, wrong password, unknown user, a key → 401 (Basic challenge); the right user → 200', async () => {
  await denied(via('/cr'));
  assert.is(await challenges(`http://127.0.0.1:${proxy}/cr`), 'Basic realm="faaso"');
  await denied(via('/cr', basic('bob', 'not-his-password')));
  await denied(via('/cr', basic('alice', secrets['alice-pw']!), true)); // a user of /py only
  await denied(via('/cr', bearer(secrets['key-a']!)));
  assert.is((await via('/cr', basic('bob', secrets['bob-pw']!))).status, 200);
  await denied(own('faasosec-cr'));
  assert.is((await own('faasosec-cr', basic('bob', secrets['bob-pw']!))).status, 200);
});

test('both (/py): either credential; a 401 offers both challenges; health, open routes and 404s are untouched', async () => {
  await denied(via('/py'));
  assert.is(await challenges(`http://127.0.0.1:${proxy}/py`), 'Basic realm="faaso", Bearer realm="faaso"');
  await denied(via('/py', basic('alice', 'nope')));
  await denied(via('/py', basic('bob', secrets['bob-pw']!), true));
  assert.is((await via('/py', { 'x-api-key': secrets['key-b']! })).status, 200);
  assert.is((await via('/py', bearer(secrets['key-a']!))).status, 200);
  const viaUser = JSON.parse((await via('/py', basic('alice', secrets['alice-pw']!))).body);
  assert.is(viaUser.authorization, null, 'the basic credentials are not forwarded either');
  assert.is((await via('/__faaso/health')).status, 200);
  assert.equal(JSON.parse((await via('/sum?a=1&b=2')).body), { sum: 3 });
  assert.equal(JSON.parse((await own('sum', {}, '/?a=2&b=2')).body), { sum: 4 });
  const miss = await via('/nope');
  assert.equal([miss.status, JSON.parse(miss.body)], [404, { error: 'no route for /nope' }]);
});

test('key rotation: secret set + up reloads both proxies; the old key is refused, the new one works; nothing restarts, no own port closes', async () => {
  const before = await containerIds();
  const old = secrets['key-a']!;
  await setSecret('key-a', newValue('key-a', 'key-a2'));
  // An open function's own port, under load through the whole `up`: the ports
  // listener is reloaded, not recreated, so no connection is refused. A reload
  // closes idle keep-alive connections, so a GET lost that way is resent on a new
  // connection (counted apart), as browsers and curl do.
  const load = startLoad([{ url: `http://127.0.0.1:${ports.sum}/?a=1&b=2`, check: (b) => b.includes('3') }], {
    concurrency: 2,
    pauseMs: 10,
    retryClosed: 2,
    maxMs: 180_000,
  });
  const r = await faaso('up', []);
  const during = await load.stop();
  console.log(`    own port during a key rotation: ${describeLoad(during)}`);
  assert.is(r.code, 0, r.output);
  assert.ok(during.ok > 0, describeLoad(during));
  assert.is(during.failed, 0, `own port of sum during the rotation: ${describeLoad(during)}`);
  assert.match(r.stdout, /routes reloaded/);
  assert.match(r.stdout, /own ports reloaded/);
  assert.not.match(r.stdout, /recreating/);
  await denied(via('/node', bearer(old)));
  await denied(via('/py', { 'x-api-key': old }));
  assert.is((await via('/node', bearer(secrets['key-a']!))).status, 200);
  assert.is((await via('/py', { 'x-api-key': secrets['key-a']! })).status, 200);
  const after = await containerIds();
  for (const fn of [...FUNCTIONS, 'sum', 'proxy', 'ports']) assert.equal(after[fn], before[fn], fn);
  // The own ports took the new key too (the ports listener reloaded it).
  await denied(own('faasosec-node', bearer(old)));
  assert.is((await own('faasosec-node', bearer(secrets['key-a']!))).status, 200);
});

test('password rotation: the old password is refused, the new one works', async () => {
  const old = secrets['bob-pw']!;
  await setSecret('bob-pw', newValue('bob-pw', 'bob2'));
  const r = await faaso('up', []);
  assert.is(r.code, 0, r.output);
  await denied(via('/cr', basic('bob', old)));
  assert.is((await via('/cr', basic('bob', secrets['bob-pw']!))).status, 200);
});

test('a new db-password: up replaces exactly the functions that mount it, one after the other serving', async () => {
  const before = await containerIds();
  await setSecret('db-password', newValue('db-password', 'db2'));
  const r = await faaso('up', []);
  assert.is(r.code, 0, r.output);
  assert.match(r.stdout, /2 updated/);
  const after = await containerIds();
  for (const fn of ['faasosec-py', 'faasosec-cr']) assert.not.equal(after[fn], before[fn], fn);
  for (const fn of ['faasosec-node', 'sum', 'proxy']) assert.equal(after[fn], before[fn], fn);
  assert.is(JSON.parse((await via('/py', bearer(secrets['key-a']!))).body).secret, secrets['db-password']);
  assert.is(JSON.parse((await via('/cr', basic('bob', secrets['bob-pw']!))).body).secret, secrets['db-password']);
  // Only this version's copies are left in the deploy folder.
  const deploy = path.join(project.root, '.faaso', 'secrets', '.deploy', PROJECT);
  assert.equal(fs.readdirSync(deploy).filter((f) => f.startsWith('db-password-')).length, 1);
});

test('a secret removed: up fails naming where it is used, an unfit key is named without its value; what runs keeps serving', async () => {
  const rm = await faaso('secret', ['rm', 'api-token']);
  assert.is(rm.code, 0, rm.output);
  assert.match(rm.stdout, /still used by function faasosec-node/);
  const r = await faaso('up', []);
  assert.is(r.code, 1, r.output);
  assert.match(r.stderr, /functions\/faasosec-node\/function\.yml: secrets\[0\]: secret "api-token" is not set/);
  assert.equal(JSON.parse((await via('/node', bearer(secrets['key-a']!))).body).secret, secrets['api-token']);
  await setSecret('api-token', secrets['api-token']!);
  const short = `k${rand().slice(0, 6)}`;
  values.push(short);
  await setSecret('key-b', short);
  const unfit = await faaso('up', ['--no-build']);
  assert.is(unfit.code, 1);
  assert.match(
    unfit.stderr,
    /routes\["\/py"\]\.auth\.api_keys\[1\]: secret "key-b" has 7 characters; an API key needs at least 16/,
  );
  await setSecret('key-b', secrets['key-b']!);
  assert.is((await faaso('up', ['--no-build'])).code, 0);
});

test('plain docker compose up of the generated files runs the stack, secrets and auth included', async () => {
  assert.is((await faaso('down', [])).code, 0);
  const file = path.join(project.root, 'compose', 'docker-compose.yml');
  const up = await run(['docker', 'compose', '-f', file, 'up', '-d', '--wait'], {
    cwd: os.tmpdir(),
    timeoutMs: 180_000,
  });
  assert.is(up.exitCode, 0, up.stderr);
  assert.equal(JSON.parse((await via('/py', bearer(secrets['key-a']!))).body).secret, secrets['db-password']);
  await denied(via('/node'));
  assert.is((await via('/cr', basic('bob', secrets['bob-pw']!))).status, 200);
});

/** Whether `needle` occurs in a stream's bytes (across chunk borders). */
function streamHas(argv: string[], needles: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    const found = new Set<string>();
    const max = Math.max(...needles.map((n) => n.length));
    let tail = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      const buf = Buffer.concat([tail, chunk]);
      for (const n of needles) if (buf.includes(n)) found.add(n);
      tail = buf.subarray(Math.max(0, buf.length - max));
    });
    child.on('error', reject);
    child.on('close', () => resolve([...found]));
  });
}

const leaks = (text: string): string[] => values.filter((v) => text.includes(v));

test('no value ever set is in an image layer, docker inspect, a generated file, a log line, export output or a message', async () => {
  // Requests with keys in X-API-Key (not redacted by Caddy on its own) and in Authorization, through both proxies.
  await via('/py', { 'x-api-key': secrets['key-a']! });
  await own('faasosec-node', { 'x-api-key': secrets['key-a']! });
  await via('/py', { 'x-api-key': 'wrong-but-logged-0123' });
  const ids = Object.values(await containerIds()).flat();
  assert.ok(ids.length >= 6, 'the stack runs');
  // docker inspect: env, labels, mounts, command of every container and image.
  const images = (await docker('inspect', '--format', '{{.Config.Image}}', ...ids)).split('\n');
  assert.equal(leaks(await docker('inspect', ...ids)), [], 'docker inspect (containers)');
  assert.equal(leaks(await docker('image', 'inspect', ...new Set(images))), [], 'docker image inspect');
  // Logs: the functions', and both proxies' access logs.
  await new Promise((r) => setTimeout(r, 500));
  for (const id of ids) {
    const logs = await run(['docker', 'logs', id]);
    assert.equal(leaks(logs.stdout + logs.stderr), [], `docker logs ${id}`);
  }
  const proxyLog = await run(['docker', 'logs', '--tail', '50', `${PROJECT}-proxy-1`]);
  assert.match(proxyLog.stdout, /"X-Api-Key":"REDACTED"/, 'the access log has the header, redacted');
  // Generated files.
  const compose = path.join(project.root, 'compose');
  for (const f of ['docker-compose.yml', '.env', 'caddy/Caddyfile', 'caddy/ports.Caddyfile'])
    assert.equal(leaks(fs.readFileSync(path.join(compose, f), 'utf8')), [], f);
  // The Swarm files of this very stack (its plan, stamps and deploy folder), routes.json made by Caddy itself.
  const settings = resolveSettings({ ...process.env, ...env }, (p) => fs.existsSync(p));
  const stack = await prepareStack(
    { settings, templates: await loadTemplates(settings.root) },
    { build: false },
    () => {},
  );
  const routes = routesJson(
    await caddyAdapter(imageCheck(stack.plan, stack.settings.root))(renderCaddyfile(stack.plan)),
  );
  const swarm = renderSwarmStack(stack.plan, routes);
  assert.match(swarm, /secrets:/, 'the stack file names its secrets');
  assert.equal(leaks(swarm), [], 'stack.yml');
  assert.equal(leaks(routes), [], 'routes.json');
  // export output.
  for (const fn of FUNCTIONS) {
    const dir = path.join(project.root, `export-${fn}`);
    const r = await faaso('export', [fn, dir]);
    assert.is(r.code, 0, r.output);
    const files = (await fs.readdir(dir, { recursive: true })) as string[];
    for (const f of files) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) assert.equal(leaks(fs.readFileSync(p, 'latin1')), [], `${fn}: ${f}`);
    }
    await fs.remove(dir);
  }
  // Image layers: every byte of every function image.
  for (const image of new Set(images.filter((i) => i.includes('faasosec'))))
    assert.equal(await streamHas(['docker', 'save', image], values), [], image);
  // Everything faaso printed, errors included.
  assert.ok(printed.length > 1000, 'faaso printed things');
  assert.equal(leaks(printed), [], 'faaso output');
});

test.run();
