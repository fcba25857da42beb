// Metrics, invoke, merged logs, schedules and the web console against one real
// stack (the three examples, compose project faasoconit, free ports), then the
// console in a real browser: Debian's chromium, driven headless by
// playwright-core. Everything it starts it stops; the stack goes down at the end.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'fs-extra';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort, httpGet, REPO, requireDocker, runScript, tempProject, waitFor } from './helpers.ts';

const test = suite('console');
const PROJECT = 'faasoconit';
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let proxy: number;
let consolePort: number;
const children: ChildProcess[] = [];

/** A long-running script (watch, console, logs -f) as a child; its output collected. */
function startScript(name: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [path.join(REPO, 'scripts', `${name}.mjs`), ...args], {
    cwd: REPO,
    env: { ...process.env, FAASO_VERBOSE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const via = (p: string) => `http://127.0.0.1:${proxy}${p}`;
const status = async () => {
  const r = await runScript('status', ['--json'], env);
  assert.is(r.code, 0, r.output);
  return JSON.parse(r.stdout);
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON
const fnOf = (s: { functions: any[] }, name: string): any => s.functions.find((f) => f.function === name);

test.before(async () => {
  await requireDocker();
  project = await tempProject(['sum', 'multiply', 'hello']);
  env = { ...project.env, FAASO_PROJECT: PROJECT };
  proxy = await freePort();
  consolePort = await freePort();
  const own = [await freePort(), await freePort(), await freePort()];
  await fs.writeFile(
    path.join(project.root, 'faaso.yml'),
    `routes:\n  /sum: sum\n  /mul: multiply\n  /hello: hello\nproxy:\n  port: ${proxy}\nfunctions:\n` +
      `  sum: {port: ${own[0]}}\n  multiply: {port: ${own[1]}}\n` +
      `  hello:\n    port: ${own[2]}\n    schedule:\n      - {cron: "* * * * * *", path: "/?name=cron"}\n`,
  );
  const up = await runScript('up', [], env);
  assert.is(up.code, 0, up.output);
});

test.after(async () => {
  await Promise.all(children.map(stop));
  await runScript('down', [], env);
  await project.cleanup();
});

test('metrics: known requests through the proxy give the counted numbers in status and --json', async () => {
  for (let i = 0; i < 7; i++) assert.is((await httpGet(via(`/sum?a=${i}&b=1`))).status, 200);
  for (let i = 0; i < 3; i++) assert.is((await httpGet(via('/sum?a=x'))).status, 400);
  // Ten 4,300-digit integers: each is read, but their 4,301-digit sum is more than
  // Python turns into text (sys.get_int_max_str_digits), so the handler fails: a 500.
  const huge = `{"numbers": [${Array(10).fill('9'.repeat(4300)).join(', ')}]}`;
  assert.is((await httpGet(via('/sum'), { method: 'POST', body: huge })).status, 500);
  for (let i = 0; i < 2; i++) assert.is((await httpGet(via('/mul?a=2&b=3'))).status, 200);
  const s = await waitFor('all 13 requests in the proxy log', async () => {
    const x = await status();
    return fnOf(x, 'sum').metrics.requests === 11 && fnOf(x, 'multiply').metrics.requests === 2 ? x : undefined;
  });
  const sum = fnOf(s, 'sum').metrics;
  assert.equal([sum.requests, sum.clientErrors, sum.serverErrors], [11, 3, 1]);
  assert.is(sum.errorRate, 1 / 11);
  assert.ok(sum.p50 > 0 && sum.p50 <= sum.p95 && sum.p95 <= sum.p99, JSON.stringify(sum));
  assert.ok(sum.rps > 0);
  assert.equal(Object.keys(sum.routes), ['/sum']);
  assert.is(sum.routes['/sum'].requests, 11);
  assert.equal([fnOf(s, 'multiply').metrics.serverErrors, fnOf(s, 'multiply').metrics.clientErrors], [0, 0]);
  const table = await runScript('status', [], env);
  assert.match(table.stdout, /FUNCTION +ROUTES +IMAGE +REPLICAS +RESTARTS +UPTIME +RPS +5XX +P50 +P99 +PORT/);
  assert.match(table.stdout, /\nsum +\/sum +\S+ +1\/1 healthy +0 +\S+ +[0-9.]+ +9\.1% +[0-9.]+m?s +[0-9.]+m?s +http/);
});

test('invoke: through the route, on its own port, non-2xx exits 1, bad flags named', async () => {
  const ok = await runScript('invoke', ['sum', '--data', '{"numbers": [1, 2, 3.5]}'], env);
  assert.is(ok.code, 0, ok.output);
  assert.equal(JSON.parse(ok.stdout), { sum: 6.5 });
  assert.match(ok.stderr, new RegExp(`^200 OK +[0-9.]+m?s +POST http://127\\.0\\.0\\.1:${proxy}/sum\\n`));
  const direct = await runScript('invoke', ['hello', '--direct', '-p', '/?name=Ada', '-i'], env);
  assert.is(direct.code, 0, direct.output);
  assert.is(direct.stdout, 'Hello, Ada!\n');
  assert.match(direct.stderr, /^content-type: text\/plain/m);
  const bad = await runScript('invoke', ['sum', '-p', '/?a=x'], env);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^400 Bad Request/);
  assert.match(bad.stdout, /query parameter a is not a number/);
  const wrong = await runScript('invoke', ['sum', '-X', 'FETCH', '-H', 'nocolon', '--data', '{'], env);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, /invoke: --method: must be one of GET/);
  assert.match(wrong.stderr, /invoke: -H: expected "name: value", got "nocolon"/);
  assert.match(wrong.stderr, /invoke: --data: is not valid JSON/);
});

test('logs --all: every container, each line prefixed by its replica, no escape sequence when piped; -f follows', async () => {
  const r = await runScript('logs', ['--all', '--tail', '5'], env);
  assert.is(r.code, 0, r.output);
  assert.not.match(r.output, /\x1b/);
  const lines = r.stdout.split('\n').filter(Boolean);
  for (const l of lines) assert.match(l, /^(sum|multiply|hello|proxy|ports)-1 +\| /, l);
  for (const s of ['sum', 'multiply', 'hello', 'proxy', 'ports'])
    assert.ok(
      lines.some((l) => l.startsWith(`${s}-1 `)),
      s,
    );
  const since = await runScript('logs', ['--all', '--since', 'yesterday'], env);
  assert.is(since.code, 1);
  assert.match(since.stderr, /--since: expected a duration such as 10m/);
  const f = startScript('logs', ['--all', '-f', '--tail', '0']);
  // --tail 0: only lines written after the follow attached count, and when it
  // attaches is compose's business; a request a second until one is seen.
  let sent = 0;
  let lastSent = 0;
  await waitFor(
    'a request in the followed log',
    async () => {
      if (Date.now() - lastSent >= 1000) {
        lastSent = Date.now();
        await httpGet(via(`/hello?name=followed${(sent += 1)}`));
      }
      return /proxy-1 +\| .*name=followed\d+/.test(f.output());
    },
    20_000,
  );
  await stop(f.child);
  assert.not.match(f.output(), /\x1b/);
});

test('schedules: watch fires them through the proxy, status shows each run; a run missed while it was down fires once', async () => {
  const w = startScript('watch', ['--interval', '1']);
  const fired = await waitFor(
    'two scheduled runs',
    async () => {
      const v = (await status()).schedules.find((x: { id: string }) => x.id === 'hello#1');
      return v && v.runs >= 2 ? v : undefined;
    },
    20_000,
  );
  assert.is(fired.cron, '* * * * * *');
  assert.equal([fired.last.status, fired.last.ok], [200, true]);
  assert.ok(fired.last.ms > 0);
  const table = await runScript('status', [], env);
  assert.match(table.stdout, /hello#1 +\* \* \* \* \* \* +GET \/hello\?name=cron +200 in [0-9.]+m?s/);
  await stop(w.child);
  const stateFile = path.join(project.root, 'compose', '.faaso-schedule-state.json');
  const before = JSON.parse(await fs.readFile(stateFile, 'utf8')).jobs['hello#1'];
  // Down for a few occurrences, then back: one run stands for all of them.
  await new Promise((res) => setTimeout(res, 3500));
  const again = startScript('watch', ['--interval', '1']);
  await waitFor('a run after the restart', async () => {
    const s = JSON.parse(await fs.readFile(stateFile, 'utf8')).jobs['hello#1'];
    return s.runs > before.runs ? s : undefined;
  });
  await stop(again.child);
  const after = JSON.parse(await fs.readFile(stateFile, 'utf8')).jobs['hello#1'];
  const caughtUp = again.output().match(/caught up/g) ?? [];
  assert.is(caughtUp.length, 1, again.output());
  assert.ok(after.claimed > before.claimed);
  // Every occurrence fired at most once: runs + skipped never exceed the occurrences claimed.
  assert.ok(after.runs - before.runs <= (after.claimed - before.claimed) / 1000, JSON.stringify({ before, after }));
});

let token = '';
/** fetch sends its own Host header whatever it is given: a plain request names another. */
function statusWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: consolePort, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}
const consoleUrl = (p: string) => `http://127.0.0.1:${consolePort}${p}`;

test('console: a token printed on first start, login, the same numbers as status, /metrics for Prometheus', async () => {
  const c = startScript('console', ['--port', String(consolePort)]);
  await waitFor('the console', async () => /token \(shown once/.test(c.output()), 20_000);
  token = /token \(shown once; kept as the secret console-token, in (.*)\): (\S+)/.exec(c.output())![2]!;
  // Kept as a secret: in the store, 0600 in a 0700 folder, and listed (never its value) by `secret list`.
  const store = env.FAASO_SECRETS_DIR ?? path.join(project.root, '.faaso', 'secrets');
  assert.is((await fs.stat(path.join(store, 'console-token'))).mode & 0o777, 0o600);
  assert.is((await fs.stat(store)).mode & 0o777, 0o700);
  const listed = await runScript('secret', ['list'], env);
  assert.match(listed.stdout, /console-token/);
  assert.not.ok(listed.stdout.includes(token), 'secret list shows no value');
  // Nothing without the token; other host names and cross-site posts are refused.
  assert.is((await fetch(consoleUrl('/'), { redirect: 'manual' })).headers.get('location'), '/login');
  assert.is((await httpGet(consoleUrl('/metrics'))).status, 401);
  assert.is(await statusWithHost(`evil.example:${consolePort}`), 421);
  assert.is(await statusWithHost(`localhost:${consolePort}`), 303);
  const wrong = await fetch(consoleUrl('/login'), { method: 'POST', body: new URLSearchParams({ token: 'nope' }) });
  assert.is(wrong.status, 401);
  const cross = await fetch(consoleUrl('/login'), {
    method: 'POST',
    body: new URLSearchParams({ token }),
    headers: { origin: 'http://evil.example' },
  });
  assert.is(cross.status, 403);
  const auth = { authorization: `Bearer ${token}` };
  const api = await waitFor('the console sees the stack', async () => {
    const r = await httpGet(consoleUrl('/api/status'), { headers: auth });
    const j = JSON.parse(r.body);
    return j.functions.length === 3 && j.functions.every((f: { metrics: unknown }) => f.metrics) ? j : undefined;
  });
  const s = await status();
  assert.equal(
    fnOf(api, 'sum').metrics.requests,
    fnOf(s, 'sum').metrics.requests,
    'the console (following the log) counts what status (reading it once) counts',
  );
  const prom = (await httpGet(consoleUrl('/metrics'), { headers: auth })).body;
  assert.match(prom, /# TYPE faaso_requests_total counter/);
  assert.match(
    prom,
    new RegExp(`faaso_requests_total\\{function="sum",route="/sum"\\} ${fnOf(s, 'sum').metrics.requests}\\n`),
  );
  assert.match(prom, /faaso_request_errors_total\{function="sum",route="\/sum",class="5xx"\} 1\n/);
  assert.match(prom, /faaso_replicas_healthy\{function="hello"\} 1\n/);
  assert.match(prom, /faaso_schedule_runs_total\{function="hello",schedule="hello#1"\} \d+\n/);
});

test('console: restart a function, replica by replica, and it serves again', async () => {
  const login = await fetch(consoleUrl('/login'), {
    method: 'POST',
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  assert.match(login.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/);
  const started = await fetch(consoleUrl('/fn/multiply/restart'), {
    method: 'POST',
    headers: { cookie, 'hx-request': 'true' },
  });
  const startedBody = await started.text();
  assert.is(started.status, 200, startedBody);
  const id = /hx-get="\/actions\/([0-9a-f]{12})"/.exec(startedBody)?.[1];
  assert.ok(id, startedBody);
  const done = await waitFor(
    'the restart',
    async () => {
      const t = await (await fetch(consoleUrl(`/actions/${id}`), { headers: { cookie } })).text();
      return /: (done|failed)/.test(t) ? t : undefined;
    },
    60_000,
  );
  assert.match(done, /restart multiply<\/strong>: done/);
  assert.match(done, /faasoconit-multiply-1: healthy again/);
  assert.is((await httpGet(via('/mul?a=2&b=2'))).status, 200);
});

test('browser: log in, three healthy functions, invoke /sum, follow a log', async () => {
  const executablePath = process.env.FAASO_CHROMIUM ?? '/usr/bin/chromium';
  if (!(await fs.pathExists(executablePath)))
    throw new Error(
      `the browser test needs Debian's chromium at ${executablePath}: apt-get install chromium (.ci/run does)`,
    );
  // A fresh profile, and none of chromium's background connections: a closed
  // network refuses them, and they would only slow the test down.
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'faasoconit-chromium-'));
  let browser: BrowserContext | undefined;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(consoleUrl('/'));
    assert.match(page.url(), /\/login$/);
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('tr.fn.ok[data-function="hello"]');
    await page.waitForFunction(() => document.querySelectorAll('tr.fn.ok').length === 3, undefined, {
      timeout: 15_000,
    });
    const health = await page.$$eval('tr.fn .health', (cells) => cells.map((c) => c.textContent?.trim()));
    assert.equal(health, ['1/1 healthy', '1/1 healthy', '1/1 healthy']);
    assert.equal(await page.$$eval('tr.fn', (rows) => rows.map((r) => r.getAttribute('data-function'))), [
      'hello',
      'multiply',
      'sum',
    ]);
    // Invoke /sum from its page.
    await page.click('a[href="/fn/sum"]');
    await page.selectOption('select[name=method]', 'POST');
    await page.fill('textarea[name=body]', '{"numbers": [1, 2, 3.5]}');
    await page.click('.invoke button[type=submit]');
    await page.waitForSelector('#invoke-result .result');
    assert.match((await page.textContent('#invoke-result .status'))!, /200 OK/);
    assert.equal(JSON.parse((await page.textContent('#invoke-result pre.body'))!), { sum: 6.5 });
    // Follow every container's log, and see a request arrive in it.
    await page.goto(consoleUrl('/logs'));
    await page.click('.log-view button.follow');
    await page.waitForSelector('.log-view.following');
    await page.waitForFunction(() => (document.querySelector('pre.log')?.textContent ?? '').length > 0);
    await httpGet(via('/hello?name=browser'));
    await page.waitForFunction(
      () => /proxy-1 +\| .*name=browser/.test(document.querySelector('pre.log')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    if (process.env.FAASO_CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.FAASO_CONSOLE_SCREENSHOT });
    assert.equal(errors, []);
  } finally {
    await browser?.close();
    await fs.remove(profile);
  }
});

test.run();
