// faaso's Caddy proxy on the real engine: the image from images/caddy, hardened
// like production, serving a Caddyfile rendered by src/stack/render/caddyfile.ts in front
// of real function containers on a user-defined network. Routing, prefix strip,
// JSON 404, health, access logs, validate-before-write, reloads (also under load)
// and an upstream restart under load.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { HARDENED_FLAGS } from '../../src/docker/argv.ts';
import { ensureInfraImage } from '../../src/images/infra.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { reloadProxy, validateCaddyfile } from '../../src/stack/proxy.ts';
import type { PlannedRoute as Route, StackPlan } from '../../src/stack/types.ts';
import { REPO, docker, dockerOk, freePort, requireDocker, runScript, waitFor } from './helpers.ts';
import { rawRequest } from './helpers.ts';
import { describeLoad, startLoad } from '../../bench/lib/http-load.ts';

const test = suite('caddy');

const NET = 'faaso-it-caddy';
const NAME = (n: string) => `faaso-it-caddy-${n}`;
const SUM_IMAGE = '127.0.0.1:5000/sum:latest';
const MUL_IMAGE = '127.0.0.1:5000/multiply:latest';
const HARDENED = [...HARDENED_FLAGS, '--init'];

// A stdlib echo server run by the sum image's python: answers with the exact
// request target it received, so prefix stripping is checked byte for byte.
const ECHO_PY = `
import http.server, json
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 150
    def _any(self):
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path == "/ping":
            status, out = 200, b"pong"
        elif self.path.startswith("/fail"):
            status, out = 500, b'{"error":"handler failed"}'
        else:
            status, out = 200, json.dumps({"method": self.command, "target": self.path, "body": body.decode()}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    do_GET = do_POST = do_PUT = do_DELETE = _any
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("0.0.0.0", 3000), H).serve_forever()
`;

let dir = '';
let proxyImage = '';
let proxyPort = 0;
let directPort = 0;
const log = (l: string) => process.stdout.write(`  ${l}\n`);

function plan(routes: Route[]): StackPlan {
  const names = [...new Set(routes.map((r) => r.function))].sort();
  const services = names.map((name) => ({
    name,
    image: 'unused',
    hash: 'unused',
    port: 0,
    env: {},
    limits: { memory: '256m', cpus: 1, pids: 256 },
    healthcheck: [],
    paths: [],
    replicas: 1,
    parallelism: 1,
  }));
  return {
    target: 'compose',
    project: 'faaso',
    bind: '127.0.0.1',
    proxy: { port: 8080, image: proxyImage },
    services,
    routes,
  };
}

const BASE_ROUTES: Route[] = [
  { path: '/api', function: 'echo' },
  { path: '/api/v2', function: 'multiply' },
  { path: '/sum', function: 'sum' },
];

/** What the lead's shell does: tmp file + rename in the mounted folder (never a half-written file). */
async function writeAtomically(text: string): Promise<void> {
  const tmp = path.join(dir, `.Caddyfile.${process.pid}.tmp`);
  await fsp.writeFile(tmp, text, { mode: 0o644 });
  await fsp.rename(tmp, path.join(dir, 'Caddyfile'));
}

/** Raw request to the proxy. */
const raw = (p: string, opts: { method?: string; body?: string } = {}) => rawRequest(proxyPort, p, opts);

async function health(name: string): Promise<string> {
  return docker('inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', name);
}

async function cleanup(): Promise<void> {
  for (const n of ['proxy', 'relay', 'sum', 'multiply', 'echo']) await dockerOk('rm', '-f', NAME(n));
  await dockerOk('network', 'rm', NET);
}

test.before(async () => {
  await requireDocker();
  if (!(await dockerOk('image', 'inspect', SUM_IMAGE)) || !(await dockerOk('image', 'inspect', MUL_IMAGE))) {
    const r = await runScript('build', ['sum', 'multiply']);
    if (r.code !== 0) throw new Error(`building the examples failed:\n${r.output}`);
  }
  proxyImage = await ensureInfraImage(REPO, 'caddy', log);
  await cleanup();
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'faaso-it-caddy-'));
  await fsp.chmod(dir, 0o755); // the proxy runs as uid 10001
  await fsp.writeFile(path.join(dir, 'echo.py'), ECHO_PY, { mode: 0o644 });

  await docker('network', 'create', NET);
  directPort = await freePort();
  const up = (name: string, image: string, extra: string[], cmd: string[] = []) =>
    docker(
      'run',
      '-d',
      '--name',
      NAME(name),
      '--network',
      NET,
      '--network-alias',
      name,
      ...HARDENED,
      ...extra,
      image,
      ...cmd,
    );
  await up('sum', SUM_IMAGE, ['-p', `127.0.0.1:${directPort}:3000`]);
  await up('multiply', MUL_IMAGE, []);
  await up('echo', SUM_IMAGE, ['-v', `${dir}/echo.py:/echo/echo.py:ro`], ['/usr/bin/python3', '/echo/echo.py']);

  const text = renderCaddyfile(plan(BASE_ROUTES));
  const v = await validateCaddyfile({ image: proxyImage }, text);
  assert.ok(v.ok, JSON.stringify(v));
  await writeAtomically(text);
  proxyPort = await freePort();
  await docker(
    'run',
    '-d',
    '--name',
    NAME('proxy'),
    '--network',
    NET,
    '-p',
    `127.0.0.1:${proxyPort}:8080`,
    '-v',
    `${dir}:/etc/faaso/caddy:ro`,
    ...HARDENED,
    proxyImage,
  );
  for (const n of ['sum', 'multiply', 'echo', 'proxy'])
    await waitFor(`${NAME(n)} healthy`, async () => (await health(NAME(n))) === 'healthy', 30_000);
});

test.after(async () => {
  await cleanup();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

test('the golden fixtures are valid for Caddy 2.11 and already in `caddy fmt` layout', async () => {
  assert.match(await docker('run', '--rm', proxyImage, 'caddy', 'version'), /^v?2\.11\.\d+\b/);
  for (const name of ['Caddyfile', 'ports.Caddyfile']) {
    const fixture = fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'caddy', name), 'utf8');
    assert.equal(await validateCaddyfile({ image: proxyImage }, fixture), { ok: true }, name);
    const fmt = await run(['docker', 'run', '--rm', '-i', '--network', 'none', proxyImage, 'caddy', 'fmt', '-'], {
      input: fixture,
    });
    assert.is(fmt.exitCode, 0, fmt.stderr);
    assert.fixture(fmt.stdout, fixture);
  }
});

test('the proxy runs as uid 10001 with no capabilities and no-new-privileges', async () => {
  const status = await docker('exec', NAME('proxy'), 'cat', '/proc/1/status');
  assert.match(status, /CapEff:\s+0+\n/);
  assert.match(status, /NoNewPrivs:\s+1/);
  assert.match(await docker('exec', NAME('proxy'), 'id', '-u'), /^10001$/);
});

test('routes strip their prefix; nested routes win; /summary is not /sum', async () => {
  const target = async (p: string) => JSON.parse((await raw(p)).body).target;
  assert.is(await target('/api'), '/');
  assert.is(await target('/api/'), '/');
  assert.is(await target('/api/a?x=1'), '/a?x=1');
  assert.is(await target('/api/a/b/c'), '/a/b/c');
  assert.is(await target('/api/v2x'), '/v2x'); // /api/* but not /api/v2
  const post = await raw('/api/p', { method: 'POST', body: 'hello' });
  assert.equal(JSON.parse(post.body), { method: 'POST', target: '/p', body: 'hello' });

  assert.equal(JSON.parse((await raw('/api/v2?a=2&b=3')).body), { product: '6' });
  assert.is((await raw('/api/v2/ping')).body, 'pong');
  assert.is((await raw('/sum?a=1&b=2')).body, '{"sum": 3}');
  assert.is((await raw('/sum/?a=1&b=2')).body, '{"sum": 3}');
  assert.is((await raw('/sum/ping')).body, 'pong');
  const posted = await raw('/sum', { method: 'POST', body: '{"numbers":[1,2,3.5]}' });
  assert.is(posted.body, '{"sum": 6.5}');

  const miss = await raw('/summary');
  assert.is(miss.status, 404);
  assert.is(miss.type, 'application/json');
  assert.equal(JSON.parse(miss.body), { error: 'no route for /summary' });
});

test('unknown paths get a JSON 404 that stays valid JSON whatever the path', async () => {
  for (const p of ['/x', '/x%22y', '/a/%22/../b', '/q\\x', '/%7B%7D', '/a%0Ab', "/it's", '/%E2%9C%93']) {
    const r = await raw(p);
    assert.is(r.status, 404, p);
    assert.is(r.type, 'application/json', p);
    const j = JSON.parse(r.body) as { error: string };
    assert.ok(j.error === 'no route' || j.error === `no route for ${p}`, `${p}: ${r.body}`);
  }
  assert.equal(JSON.parse((await raw('/x')).body), { error: 'no route for /x' });
  assert.equal(JSON.parse((await raw('/x%22y')).body), { error: 'no route' });
});

test('/__faaso/health answers from the proxy itself; the image healthcheck passes', async () => {
  const r = await raw('/__faaso/health');
  assert.is(r.status, 200);
  assert.is(r.body, 'ok');
  assert.is(await health(NAME('proxy')), 'healthy');
});

/** The access log lines in a proxy container's `docker logs` (Caddy's own lines left out). */
async function accessLines(container: string): Promise<{ request?: { uri?: string }; status?: number }[]> {
  return (await docker('logs', container))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { logger?: string; request?: { uri?: string }; status?: number })
    .filter((e) => e.logger?.startsWith('http.log.access'));
}

test('access log: one JSON line per request on stdout, none for the health endpoint', async () => {
  await raw('/sum?a=1&b=2&marker=1');
  await raw('/__faaso/health?marker=2');
  // Relayed from Caddy's pipe to stdout: the first line after a quiet moment goes out at once.
  await waitFor('the access line for /sum', async () =>
    (await accessLines(NAME('proxy'))).some((e) => e.request?.uri === '/sum?a=1&b=2&marker=1'),
  );
  const entries = await accessLines(NAME('proxy'));
  assert.is(entries.find((e) => e.request?.uri === '/sum?a=1&b=2&marker=1')!.status, 200);
  assert.not.ok(
    entries.some((e) => e.request?.uri === '/__faaso/health?marker=2'),
    'health checks are not logged',
  );
});

test('access log under load and across a reload: every request is exactly one line, relayed in batches', async () => {
  const marker = `burst${Date.now()}`;
  const url = `http://127.0.0.1:${proxyPort}/api/log?m=${marker}`;
  // A reload closes idle keep-alive connections: a request resent on a new one was never received.
  const running = startLoad([{ url, check: (b) => b.includes(marker) }], {
    concurrency: 8,
    maxRequests: 4000,
    retryClosed: 3,
  });
  await new Promise((r) => setTimeout(r, 200));
  const reload = await reloadProxy(NAME('proxy'), { force: true });
  assert.ok(reload.ok, reload.error);
  await waitFor('4,000 requests', async () => running.now().ok + running.now().failed >= 4000, 60_000);
  const stats = await running.stop();
  assert.is(stats.failed, 0, JSON.stringify(stats.errors));
  const count = async (): Promise<number> =>
    (await accessLines(NAME('proxy'))).filter((e) => e.request?.uri === `/api/log?m=${marker}`).length;
  await waitFor(`${stats.ok} access lines`, async () => (await count()) >= stats.ok, 10_000);
  assert.is(await count(), stats.ok, 'no line lost, none twice');
  // The relay (the image's entrypoint) is Caddy's parent, under docker-init.
  const tree = await docker('exec', NAME('proxy'), 'bash', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "');
  assert.match(tree, /faaso-proxy caddy run/);
});

test('access log turned off and on again by reloads: the lines stop, then flow again through the same pipe', async () => {
  const on = renderCaddyfile(plan(BASE_ROUTES));
  const off = renderCaddyfile({ ...plan(BASE_ROUTES), proxy: { port: 8080, image: proxyImage, accessLog: false } });
  const seen = async (m: string): Promise<boolean> =>
    (await accessLines(NAME('proxy'))).some((e) => e.request?.uri === `/api/toggle?m=${m}`);
  try {
    await writeAtomically(off);
    assert.ok((await reloadProxy(NAME('proxy'))).ok);
    assert.is((await raw('/api/toggle?m=off')).status, 200);
    await writeAtomically(on);
    assert.ok((await reloadProxy(NAME('proxy'))).ok);
    assert.is((await raw('/api/toggle?m=on')).status, 200);
    await waitFor('the line logged after the log came back', () => seen('on'));
    assert.not.ok(await seen('off'), 'a request while the log was off was logged');
  } finally {
    await writeAtomically(on);
  }
});

test("the relay passes signals on and exits with Caddy's status, after relaying Caddy's last lines", async () => {
  const name = NAME('relay');
  await dockerOk('rm', '-f', name);
  const port = await freePort();
  try {
    // The image's own default config: the health endpoint, a JSON 404 and the access log to the pipe.
    await docker('run', '-d', '--name', name, '-p', `127.0.0.1:${port}:8080`, ...HARDENED, proxyImage);
    await waitFor(`${name} answers`, async () => (await rawRequest(port, '/__faaso/health')).status === 200, 30_000);
    for (let i = 0; i < 50; i++) assert.is((await rawRequest(port, `/nothing/${i}`)).status, 404);
    await docker('stop', name);
    assert.is(await docker('inspect', '--format', '{{.State.ExitCode}}', name), '0');
    const uris = (await accessLines(name)).map((e) => e.request?.uri);
    assert.equal(
      uris,
      Array.from({ length: 50 }, (_, i) => `/nothing/${i}`),
    );
    const logs = await docker('logs', name);
    assert.match(logs, /"msg":"shutdown complete"/); // Caddy got the SIGTERM, through the relay
  } finally {
    await dockerOk('rm', '-f', name);
  }
});

test("a 500 from a function's handler is its answer, not a reason to take the route down", async () => {
  for (let i = 0; i < 10; i++) assert.is((await raw('/api/fail')).status, 500);
  const t = performance.now();
  const r = await raw('/api/ok');
  assert.is(r.status, 200);
  assert.ok(performance.now() - t < 1000);
});

test('a reload that adds a route: validated, written atomically, loaded', async () => {
  assert.is((await raw('/mul?a=2&b=5')).status, 404);
  const text = renderCaddyfile(plan([...BASE_ROUTES, { path: '/mul', function: 'multiply' }]));
  assert.equal(await validateCaddyfile({ container: NAME('proxy') }, text), { ok: true });
  await writeAtomically(text);
  const r = await reloadProxy(NAME('proxy'));
  assert.ok(r.ok, r.error);
  log(`reload (docker exec caddy reload): ${r.ms} ms`);
  assert.equal(JSON.parse((await raw('/mul?a=2&b=5')).body), { product: '10' });
  assert.is((await raw('/sum?a=1&b=2')).body, '{"sum": 3}');
});

test("an invalid Caddyfile is rejected by validate with Caddy's message, and the old config keeps serving", async () => {
  const before = fs.readFileSync(path.join(dir, 'Caddyfile'), 'utf8');
  const bad = before.replace('\t\turi strip_prefix /sum\n', '\t\turi strip_prefix /sum\n\t\tbogus_directive on\n');
  for (const target of [{ container: NAME('proxy') }, { image: proxyImage }]) {
    const v = await validateCaddyfile(target, bad);
    assert.not.ok(v.ok);
    assert.match((v as { error: string }).error, /unrecognized directive: bogus_directive/);
  }
  assert.is(fs.readFileSync(path.join(dir, 'Caddyfile'), 'utf8'), before);
  assert.is((await raw('/sum?a=1&b=2')).body, '{"sum": 3}');
});

test('a config that passes validate but fails to load is refused by reload; the old one keeps serving', async () => {
  // Binding to an address the container does not have only fails when Caddy listens.
  // The bad config keeps faaso's shape, one server: with two, Caddy 2.6.2 leaves the
  // one it started first serving on the shared listener after the other fails to
  // bind, with its handlers already cleaned up, so about half the fresh connections
  // then get 503 until the proxy restarts (its http app never stops what it started).
  const good = fs.readFileSync(path.join(dir, 'Caddyfile'), 'utf8');
  const bad = good.replace(':8080 {\n', ':8080 {\n\tbind 192.0.2.1\n');
  assert.is.not(bad, good);
  assert.equal(await validateCaddyfile({ container: NAME('proxy') }, bad), { ok: true });
  await writeAtomically(bad);
  try {
    const r = await reloadProxy(NAME('proxy'));
    assert.not.ok(r.ok);
    assert.match(r.error!, /listening on 192\.0\.2\.1:8080.*cannot assign requested address/);
    // Fresh connections each time: every one must reach the old config.
    for (let i = 0; i < 10; i++) {
      assert.is((await raw('/sum?a=1&b=2')).body, '{"sum": 3}');
      assert.equal(JSON.parse((await raw('/mul?a=2&b=5')).body), { product: '10' });
    }
  } finally {
    await writeAtomically(good);
  }
});

test('reloads under a steady request loop: 0 failed requests on an untouched route', async () => {
  const text = renderCaddyfile(plan([...BASE_ROUTES, { path: '/hello2', function: 'echo' }]));
  assert.equal(await validateCaddyfile({ container: NAME('proxy') }, text), { ok: true });
  await writeAtomically(text);
  // A reload closes every idle client keep-alive connection (Caddy 2.11 as 2.6): a
  // client that resends a GET on such a connection (browsers, curl and Go do) sees
  // no failure; the resends are counted. Hence faaso reloads only for new routes.
  const sum = { url: `http://127.0.0.1:${proxyPort}/sum?a=1&b=2`, check: (b: string) => b === '{"sum": 3}' };
  const running = startLoad([sum], { concurrency: 4, retryClosed: 3 });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const r = await reloadProxy(NAME('proxy'), { force: true });
    assert.ok(r.ok, r.error);
    times.push(r.ms);
  }
  await new Promise((r) => setTimeout(r, 300));
  const stats = await running.stop();
  log(`reload under load (${times.join(', ')} ms): ${describeLoad(stats)}`);
  assert.is(stats.failed, 0, JSON.stringify(stats.errors));
  assert.ok(stats.ok > 200, 'the load barely ran');
  // A reload closes each open keep-alive connection once, and may reset one it was accepting.
  assert.ok(stats.retried <= 2 * 4 * times.length, `resent ${stats.retried}`);
  assert.is((await raw('/hello2/x')).status, 200);
});

test('an upstream restarting under load costs latency, not errors, for a client that never retries', async () => {
  const sum = { url: `http://127.0.0.1:${proxyPort}/sum?a=1&b=2`, check: (b: string) => b === '{"sum": 3}' };
  const running = startLoad([sum], { concurrency: 4 });
  await new Promise((r) => setTimeout(r, 300));
  await docker('restart', '-t', '5', NAME('sum'));
  await new Promise((r) => setTimeout(r, 500));
  const stats = await running.stop();
  log(`sum restarted under load: ${describeLoad(stats)}`);
  // The proxy absorbs the restart: a dial refused (or to nobody) is retried until the server is back.
  assert.is(stats.failed, 0, JSON.stringify(stats.errors));
  await waitFor('sum healthy again', async () => (await health(NAME('sum'))) === 'healthy', 30_000);
});

test('latency: through the proxy vs direct (informational)', async () => {
  const measure = async (url: string) => {
    const run = startLoad([{ url, check: (b) => b === '{"sum": 3}' }], { concurrency: 1, maxRequests: 500 });
    await waitFor('500 requests', async () => run.now().ok + run.now().failed >= 500, 30_000);
    return run.stop();
  };
  const via = await measure(`http://127.0.0.1:${proxyPort}/sum?a=1&b=2`);
  const direct = await measure(`http://127.0.0.1:${directPort}/?a=1&b=2`);
  assert.is(via.failed + direct.failed, 0);
  log(`p50 sequential keep-alive GET: proxy ${via.p50Ms.toFixed(2)} ms, direct ${direct.p50Ms.toFixed(2)} ms`);
});

test.run();
