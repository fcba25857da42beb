// Graceful drain on SIGTERM in all three runtime servers, on the real engine with
// the example images: a replica being replaced must not lose a request of a client
// that never retries. Every request here goes over node:net by hand, once: no
// retries, no agent, so each connection is exactly the one the test means.
//
// Traffic goes to the container's own address, as the proxy's does (Docker's DNS
// gives it container addresses). The published 127.0.0.1 port goes through
// docker-proxy, which accepts every connection itself and would turn a refused
// connection into an accepted-then-closed one.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { HARDENED_FLAGS } from '../../src/docker/argv.ts';
import { docker, dockerOk, freePort, requireDocker, runScript, waitFor } from './helpers.ts';

const test = suite('drain');

interface Example {
  fn: string;
  runtime: string;
  /** A POST answered 200 with `post.want`. */
  post: { body: string; want: unknown };
  /** A GET answered 200 with `get.want` (JSON) or text. */
  get: { path: string; want: unknown };
}

const examples: Example[] = [
  {
    fn: 'sum',
    runtime: 'python',
    post: { body: '{"numbers": [1, 2, 3.5]}', want: { sum: 6.5 } },
    get: { path: '/?a=1&b=2', want: { sum: 3 } },
  },
  {
    fn: 'multiply',
    runtime: 'node',
    post: { body: '{"factors": ["0.1", "0.2", 3]}', want: { product: '0.06' } },
    get: { path: '/?a=6&b=7', want: { product: '42' } },
  },
  {
    fn: 'hello',
    runtime: 'crystal',
    post: { body: '{"name": "Bob"}', want: { greeting: 'Hello, Bob!' } },
    get: { path: '/?name=Ada', want: 'Hello, Ada!' },
  },
];

const images = new Map<string, string>();
const containers = new Set<string>();
let seq = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- a one-connection HTTP/1.1 client -------------------------------------------------

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One TCP connection; sends raw bytes and parses the responses that come back, in order. */
class Conn {
  private buf = Buffer.alloc(0);
  private wake: () => void = () => {};
  /** Set when the server's FIN arrived ('end'), in Date.now() ms. */
  endedAt: number | undefined;
  errors: Error[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.endedAt = Date.now();
      this.wake();
    });
    socket.on('error', (err) => {
      this.errors.push(err);
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(host: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: 3000, noDelay: true });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new Conn(socket));
      });
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete response (Content-Length framed, or up to the FIN without one). */
  async reply(timeoutMs = 10_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.errors.length > 0)
        throw new Error(`connection failed before a complete response: ${this.errors[0]!.message}`);
      if (this.endedAt !== undefined)
        throw new Error(`connection closed before a complete response (got ${JSON.stringify(this.buf.toString())})`);
      if (Date.now() > deadline)
        throw new Error(`no complete response within ${timeoutMs} ms (got ${JSON.stringify(this.buf.toString())})`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  private parse(): Reply | undefined {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length =
      headers['content-length'] !== undefined ? Number(headers['content-length']) : status === 204 ? 0 : undefined;
    const start = end + 4;
    if (length === undefined ? this.endedAt === undefined : this.buf.length < start + length) return undefined;
    const stop = length === undefined ? this.buf.length : start + length;
    const body = this.buf.subarray(start, stop).toString('utf8');
    this.buf = this.buf.subarray(stop);
    return { status, headers, body };
  }
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: fn\r\n${extra}\r\n`;
const postHead = (length: number) =>
  `POST / HTTP/1.1\r\nHost: fn\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** How a fresh connection attempt ends: 'refused', 'accepted' (then closed by us at once), or another error code. */
function tryConnect(host: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: 3000, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : String(err.code)),
    );
  });
}

function checkBody(ex: Example, want: unknown, reply: Reply): void {
  assert.is(reply.status, 200, `${ex.fn}: ${reply.body}`);
  if (typeof want === 'string') assert.is(reply.body.trim(), want);
  else assert.equal(JSON.parse(reply.body), want);
}

// ---- containers ---------------------------------------------------------------------

interface Running {
  name: string;
  ip: string;
}

async function start(
  ex: Example,
  opts: { env?: Record<string, string>; init?: boolean; mount?: [string, string] } = {},
): Promise<Running> {
  const name = `faaso-it-drain-${ex.fn}-${process.pid}-${++seq}`;
  const port = await freePort();
  containers.add(name);
  const argv = ['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:3000`];
  // Hardened as faaso runs functions; no HEALTHCHECK, whose probes would be extra connections.
  argv.push(...HARDENED_FLAGS, '--no-healthcheck');
  if (opts.init) argv.push('--init');
  for (const [k, v] of Object.entries(opts.env ?? {})) argv.push('-e', `${k}=${v}`);
  if (opts.mount) argv.push('-v', `${opts.mount[0]}:${opts.mount[1]}:ro`);
  await docker(...argv, images.get(ex.fn)!);
  const ip = await docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name);
  return { name, ip };
}

/** Waits for /ping on a connection of its own, closed again before this returns. */
async function ready(c: Running): Promise<void> {
  await waitFor(`${c.name} /ping`, async () => {
    const conn = await Conn.open(c.ip);
    conn.send(get('/ping', 'Connection: close\r\n'));
    const r = await conn.reply(2000);
    await conn.closed;
    return r.status === 200;
  });
}

async function remove(name: string): Promise<void> {
  await dockerOk('rm', '-f', name);
  containers.delete(name);
}

/** The container's output so far, stdout and stderr. */
async function logs(name: string): Promise<string> {
  const r = await run(['docker', 'logs', name]);
  return r.stdout + r.stderr;
}

/** Polls the container's output (every 50 ms: the drain's first 500 ms matter) for a line. */
async function waitForLog(name: string, re: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await logs(name);
    const m = re.exec(out);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`${name} did not log ${re} within ${timeoutMs} ms:\n${out}`);
    await sleep(50);
  }
}

/** Waits for the container to stop; its exit code. */
const exitCode = async (name: string) => Number(await docker('wait', name));

// ---- the tests ----------------------------------------------------------------------

test.before(async () => {
  await requireDocker();
  // The example images as built from this checkout's templates (tested, not pushed).
  const r = await runScript('build', [...examples.map((e) => e.fn), '--no-push']);
  assert.is(r.code, 0, r.output);
  for (const { fn } of examples) {
    const m = new RegExp(`✓ ${fn}: (built|up to date) in [0-9.]+s — (\\S+) \\(`).exec(r.stdout);
    assert.ok(m, `no summary line for ${fn}:\n${r.stdout}`);
    images.set(fn, m![2]!);
  }
});

test.after(async () => {
  for (const name of [...containers]) await remove(name);
});

for (const ex of examples) {
  for (const init of [false, true]) {
    test(`${ex.runtime}${init ? ' under tini' : ' as PID 1'}: SIGTERM finishes requests in flight and on open connections, refuses new ones, closes idle ones quietly, exits 0`, async () => {
      const c = await start(ex, { init, env: { FAASO_DRAIN_SECONDS: '5' } });
      try {
        await ready(c);
        // Three keep-alive connections, each with one request answered already.
        const [reuse, ping, idle, late] = [
          await Conn.open(c.ip),
          await Conn.open(c.ip),
          await Conn.open(c.ip),
          await Conn.open(c.ip),
        ];
        for (const conn of [reuse, ping, idle, late]) {
          conn.send(get(ex.get.path));
          const r = await conn.reply();
          checkBody(ex, ex.get.want, r);
          assert.is.not(r.headers.connection, 'close');
        }
        // A POST with half of its body sent.
        const body = Buffer.from(ex.post.body);
        const half = Math.floor(body.length / 2);
        const inflight = await Conn.open(c.ip);
        inflight.send(Buffer.concat([Buffer.from(postHead(body.length)), body.subarray(0, half)]));
        await sleep(200);

        const t0 = Date.now();
        await docker('kill', '-s', 'TERM', c.name);
        // The first bytes of a request on an idle connection, well before its
        // 500 ms are up: from then on it is being read, and must not be closed.
        const lateRequest = get(ex.get.path);
        late.send(lateRequest.slice(0, 10));
        const m = await waitForLog(c.name, /faaso: SIGTERM: draining (\d+) connection\(s\)/);
        assert.is(Number(m[1]), 5, 'five open connections when the drain starts');

        // A new connection is refused (the proxy retries those), not accepted and dropped.
        assert.is(await tryConnect(c.ip), 'refused');

        // Requests on already-open connections are served, each connection's last.
        reuse.send(get(ex.get.path));
        const again = await reuse.reply();
        checkBody(ex, ex.get.want, again);
        assert.is(again.headers.connection, 'close');
        ping.send(get('/ping'));
        // /ping answers as ever (a client calling it through a proxy sees no failure), on its last request.
        const pong = await ping.reply();
        assert.is(pong.status, 200);
        assert.is(pong.body, 'pong');
        assert.is(pong.headers.connection, 'close');

        // The rest of the POST's body, 300 ms after the SIGTERM.
        await sleep(Math.max(0, t0 + 300 - Date.now()));
        inflight.send(body.subarray(half));
        const posted = await inflight.reply();
        checkBody(ex, ex.post.want, posted);
        assert.is(posted.headers.connection, 'close');

        // The rest of the slow request, long after the 500 ms.
        await sleep(Math.max(0, t0 + 1000 - Date.now()));
        late.send(lateRequest.slice(10));
        const lateReply = await late.reply();
        checkBody(ex, ex.get.want, lateReply);
        assert.is(lateReply.headers.connection, 'close');

        // The server closes each connection itself, with a FIN: the idle one only
        // after 500 ms without a request.
        await Promise.all([reuse.closed, ping.closed, inflight.closed, idle.closed, late.closed]);
        for (const [what, conn] of Object.entries({ reuse, ping, inflight, idle, late })) {
          assert.equal(conn.errors, [], `${what}: closed with an error`);
          assert.ok(conn.endedAt !== undefined, `${what}: no FIN from the server`);
        }
        // (-10 ms: Date.now() granularity on both ends; the kill itself happens after t0.)
        assert.ok(idle.endedAt! - t0 >= 490, `idle connection closed ${idle.endedAt! - t0} ms after the SIGTERM`);

        assert.is(await exitCode(c.name), 0);
        const exitedAfter = Date.now() - t0;
        const out = await logs(c.name);
        const drained = /faaso: drained in ([0-9.]+)s/.exec(out);
        assert.ok(drained, out);
        assert.not.match(out, /deadline/);
        assert.ok(exitedAfter < 5000, `exited ${exitedAfter} ms after the SIGTERM: the 5 s deadline, not the drain`);
        process.stdout.write(
          `    ${ex.runtime}${init ? ' (tini)' : ''}: idle connection closed after ${idle.endedAt! - t0} ms, drained in ${drained![1]}s, exited ${exitedAfter} ms after SIGTERM\n`,
        );
      } finally {
        await remove(c.name);
      }
    });
  }

  test(`${ex.runtime}: the deadline closes a connection that keeps sending; a second SIGTERM changes nothing`, async () => {
    const c = await start(ex, { env: { FAASO_DRAIN_SECONDS: '1' } });
    try {
      await ready(c);
      // A POST whose 1000-byte body comes one byte every 100 ms: it would take 100 s.
      const slow = await Conn.open(c.ip);
      slow.send(postHead(1000) + '{"x":"');
      const drip = setInterval(() => !slow.socket.destroyed && slow.send('a'), 100);
      try {
        await sleep(200);
        const t0 = Date.now();
        await docker('kill', '-s', 'TERM', c.name);
        await waitForLog(c.name, /draining 1 connection/);
        await sleep(300);
        await docker('kill', '-s', 'TERM', c.name);
        assert.is(await exitCode(c.name), 0);
        const exitedAfter = Date.now() - t0;
        const out = await logs(c.name);
        const deadline = /faaso: drain deadline reached after ([0-9.]+)s, closing 1 connection\(s\)/.exec(out);
        assert.ok(deadline, out);
        assert.is(out.match(/draining/g)?.length, 1, out);
        assert.ok(exitedAfter < 3000, `exited ${exitedAfter} ms after the SIGTERM, with a 1 s deadline`);
        process.stdout.write(
          `    ${ex.runtime}: deadline line after ${deadline![1]}s, exited ${exitedAfter} ms after SIGTERM\n`,
        );
      } finally {
        clearInterval(drip);
        slow.socket.destroy();
      }
    } finally {
      await remove(c.name);
    }
  });

  test(`${ex.runtime}: an invalid FAASO_DRAIN_SECONDS is said once; SIGINT drains too, at once when idle`, async () => {
    const c = await start(ex, { env: { FAASO_DRAIN_SECONDS: 'soon' } });
    try {
      await ready(c);
      const t0 = Date.now();
      await docker('kill', '-s', 'INT', c.name);
      assert.is(await exitCode(c.name), 0);
      const exitedAfter = Date.now() - t0;
      const out = await logs(c.name);
      assert.is(
        out.match(/FAASO_DRAIN_SECONDS="soon" is not a number of seconds from 0 to 3600; using 10/g)?.length,
        1,
        out,
      );
      assert.match(out, /faaso: SIGINT: draining 0 connection\(s\)\nfaaso: drained in 0\.0s/);
      assert.ok(exitedAfter < 2000, `an idle server exited ${exitedAfter} ms after SIGINT`);
    } finally {
      await remove(c.name);
    }
  });

  test(`${ex.runtime}: SIGKILL still ends a drain`, async () => {
    const c = await start(ex, { env: { FAASO_DRAIN_SECONDS: '60' } });
    try {
      await ready(c);
      const busy = await Conn.open(c.ip);
      busy.send(postHead(1000)); // a body that never comes
      await sleep(200);
      await docker('kill', '-s', 'TERM', c.name);
      await waitForLog(c.name, /draining 1 connection/);
      await sleep(300);
      assert.is(await docker('inspect', '-f', '{{.State.Running}}', c.name), 'true', 'still draining');
      const t0 = Date.now();
      await docker('kill', '-s', 'KILL', c.name);
      assert.is(await exitCode(c.name), 137);
      assert.ok(Date.now() - t0 < 5000);
      busy.socket.destroy();
    } finally {
      await remove(c.name);
    }
  });
}

// A handler that takes a while to load and then fails: the port must stay closed
// throughout (crystal's handler is compiled in, so only python and node).
const broken: Record<string, { file: string; text: string }> = {
  python: { file: 'handler.py', text: 'import time\n\ntime.sleep(1.5)\nraise RuntimeError("broken on purpose")\n' },
  node: {
    file: 'handler.js',
    text: "await new Promise((r) => setTimeout(r, 1500));\nthrow new Error('broken on purpose');\nexport function handle() {}\n",
  },
};

for (const ex of examples.filter((e) => broken[e.runtime])) {
  test(`${ex.runtime}: a handler that fails to load never accepts a connection`, async () => {
    const { file, text } = broken[ex.runtime]!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-it-drain-'));
    const host = path.join(dir, file);
    fs.writeFileSync(host, text, { mode: 0o644 });
    const c = await start(ex, { mount: [host, `/app/${file}`] });
    try {
      const outcomes: string[] = [];
      while ((await docker('inspect', '-f', '{{.State.Running}}', c.name)) === 'true') {
        outcomes.push(await tryConnect(c.ip));
        await sleep(50);
      }
      assert.is.not(await exitCode(c.name), 0);
      assert.match(await logs(c.name), /broken on purpose/);
      assert.not.ok(outcomes.includes('accepted'), `a connection was accepted: ${outcomes.join(' ')}`);
      const refused = outcomes.filter((o) => o === 'refused').length;
      assert.ok(refused >= 5, `tried too rarely while it loaded: ${outcomes.join(' ')}`);
      process.stdout.write(`    ${ex.runtime}: ${refused} connection attempts while the handler loaded, all refused\n`);
    } finally {
      await remove(c.name);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
