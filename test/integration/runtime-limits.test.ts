// Request hardening in the three runtimes, against real images: the 16 MiB body
// limit (declared and chunked), HEAD /ping and /ping with a query, header names
// in any case, JSON nested too deep, and every error the servers produce by
// themselves (431, 400) answered as JSON.
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  docker,
  dockerOk,
  freePort,
  rawRequest,
  removeFunctionImages,
  requireDocker,
  runScript,
  tempProject,
  waitFor,
  writeFunction,
} from './helpers.ts';

const test = suite('runtime limits');
let project: Awaited<ReturnType<typeof tempProject>>;

const MAX_BODY = 16 * 1024 * 1024;

// Each handler parses the body as JSON and answers {ok: true}.
const FUNCTIONS: Record<string, Record<string, string>> = {
  python: { 'handler.py': 'def handle(req):\n    req.json()\n    return {"ok": True}\n' },
  node: { 'handler.js': 'export function handle(req) {\n  req.json();\n  return { ok: true };\n}\n' },
  crystal: { 'src/handler.cr': 'def handle(req : Faaso::Request)\n  req.json\n  {ok: true}\nend\n' },
};
const RUNTIMES = Object.keys(FUNCTIONS);
const name = (runtime: string): string => `faasohard-rt-${runtime}`;
const ports = new Map<string, number>();

interface Raw {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends `head` then `body` (in 1 MiB writes) on a socket of its own and reads
 * the answer: a server that refuses a body answers before it is all sent, and
 * may close while we still write, which is not an error here.
 */
function exchange(port: number, head: string, body: Buffer = Buffer.alloc(0), holdOpen = false): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.setTimeout(30_000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (err) => (chunks.length > 0 ? finish() : reject(err)));
    sock.on('close', () => finish());
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('latin1');
      const at = text.indexOf('\r\n\r\n');
      if (at < 0) return reject(new Error(`no response head: ${JSON.stringify(text.slice(0, 200))}`));
      const head = text.slice(0, at).toLowerCase();
      const body = text.slice(at + 4);
      resolve({
        status: Number(text.slice(9, 12)),
        head,
        body: /transfer-encoding: chunked/.test(head) ? unchunk(body) : body,
      });
    };
    sock.on('connect', async () => {
      sock.write(head);
      for (let i = 0; i < body.length && !sock.destroyed && chunks.length === 0; i += 1 << 20) {
        if (!sock.write(body.subarray(i, i + (1 << 20)))) await writable(sock);
      }
      // holdOpen: a client that has not sent its whole body yet (no FIN the server could read as a cut-off request).
      if (!sock.destroyed && !holdOpen) sock.end();
    });
  });
}

/** A chunked body's data (no chunk extensions or trailers in these answers). */
function unchunk(text: string): string {
  let out = '';
  for (let at = 0; ;) {
    const eol = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Resolves once the socket can take more, has closed, or has answered (listeners removed again). */
function writable(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const e of ['drain', 'close', 'data']) sock.off(e, done);
      resolve();
    };
    for (const e of ['drain', 'close', 'data']) sock.on(e, done);
  });
}

const post = (body: string | number, extra = ''): string =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${typeof body === 'number' ? `Content-Length: ${body}\r\n` : ''}${extra}Connection: close\r\n\r\n`;

/** A JSON error answer: {"error": "..."} with a JSON content type. */
function assertJsonError(r: Raw, status: number, re: RegExp, runtime: string): void {
  assert.is(r.status, status, `${runtime}: ${r.head}\n${r.body.slice(0, 300)}`);
  assert.match(r.head, /content-type: application\/json/, `${runtime}: ${r.head}`);
  let parsed: { error: string };
  try {
    parsed = JSON.parse(r.body) as { error: string };
  } catch {
    throw new Error(`${runtime}: ${status} answer is not JSON: ${r.head}\n${JSON.stringify(r.body.slice(0, 300))}`);
  }
  assert.match(parsed.error, re, `${runtime}: ${r.body}`);
}

test.before(async () => {
  await requireDocker();
  project = await tempProject();
  for (const rt of RUNTIMES)
    await writeFunction(project.root, name(rt), { 'function.yml': `runtime: ${rt}\n`, ...FUNCTIONS[rt] });
  const r = await runScript('build', [...RUNTIMES.map(name), '--no-push', '--no-test'], project.env);
  assert.is(r.code, 0, r.output);
  for (const rt of RUNTIMES) {
    const m = new RegExp(`✓ ${name(rt)}: built in [0-9.]+s — (\\S+) \\(`).exec(r.stdout);
    assert.ok(m, `no image for ${rt}:\n${r.stdout}`);
    const port = await freePort();
    await docker('run', '-d', '--name', name(rt), '-p', `127.0.0.1:${port}:3000`, m![1]!);
    ports.set(rt, port);
  }
  for (const rt of RUNTIMES)
    await waitFor(`${rt} /ping`, async () => (await rawRequest(ports.get(rt)!, '/ping')).status === 200);
});

test.after(async () => {
  for (const rt of RUNTIMES) await dockerOk('rm', '-f', name(rt));
  await removeFunctionImages(RUNTIMES.map(name));
  await project.cleanup();
});

test('HEAD /ping answers 200 with no body, in every runtime', async () => {
  for (const rt of RUNTIMES) {
    const r = await exchange(ports.get(rt)!, 'HEAD /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.is(r.status, 200, `${rt}: ${r.head}`);
    assert.is(r.body, '', rt);
  }
});

test('/ping with a query string is /ping; header names match in any case, in every runtime', async () => {
  for (const rt of RUNTIMES) {
    const port = ports.get(rt)!;
    const ping = await exchange(port, 'GET /ping?probe=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.is(ping.status, 200, `${rt}: ${ping.head}`);
    assert.is(ping.body, 'pong', rt);
    assert.match(ping.head, /content-type: text\/plain/, `${rt}: ${ping.head}`);
    // The server finds the body's length under any spelling of its name: a
    // lookup that missed would read no body, and the handler's JSON parse would fail.
    for (const spelling of ['content-length', 'CONTENT-LENGTH', 'cOnTeNt-LeNgTh']) {
      const head = `POST / HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n${spelling}: 2\r\nconnection: close\r\n\r\n`;
      const r = await exchange(port, head, Buffer.from('{}'));
      assert.is(r.status, 200, `${rt} (${spelling}): ${r.head}\n${r.body}`);
      assert.equal(JSON.parse(r.body), { ok: true }, `${rt} (${spelling})`);
    }
  }
});

test('a body over 16 MiB is refused with 413 JSON: declared, or chunked without a length; the client sees it', async () => {
  const big = Buffer.alloc(MAX_BODY + 1, 0x20);
  for (const rt of RUNTIMES) {
    const port = ports.get(rt)!;
    assertJsonError(await exchange(port, post(big.length), big), 413, /larger than 16777216 bytes/, rt);
    const chunked = Buffer.concat([Buffer.from(`${big.length.toString(16)}\r\n`), big, Buffer.from('\r\n0\r\n\r\n')]);
    const r = await exchange(port, post('', 'Transfer-Encoding: chunked\r\n'), chunked);
    assertJsonError(r, 413, /larger than 16777216 bytes/, rt);
    // A declared length far past the limit is answered at once: nothing of it is read.
    assertJsonError(
      await exchange(port, post(1 << 30), Buffer.alloc(0), true),
      413,
      /larger than 16777216 bytes/,
      `${rt} (1 GiB declared)`,
    );
    // Exactly the limit is fine (an empty JSON body of spaces is a 400, not a 413).
    const fits = Buffer.alloc(MAX_BODY, 0x20);
    fits.write('{}', 0);
    assert.is((await exchange(port, post(fits.length), fits)).status, 200, `${rt}: 16 MiB exactly`);
  }
});

test('JSON nested deeper than 512 levels is a 400, 512 is fine, in every runtime', async () => {
  const nested = (n: number): string => '['.repeat(n) + ']'.repeat(n);
  for (const rt of RUNTIMES) {
    const port = ports.get(rt)!;
    const send = (text: string): Promise<Raw> => exchange(port, post(Buffer.byteLength(text)), Buffer.from(text));
    assert.is((await send(nested(512))).status, 200, `${rt}: 512 levels`);
    assert.is(
      (await send(`{"a": "${'['.repeat(2000)}", "b": ${nested(100)}}`)).status,
      200,
      `${rt}: brackets in strings`,
    );
    for (const n of [513, 100_000]) assertJsonError(await send(nested(n)), 400, /nest|too deep/i, `${rt} (${n})`);
  }
});

test('headers too large (431) and a malformed request (400) are answered as JSON', async () => {
  for (const rt of RUNTIMES) {
    const port = ports.get(rt)!;
    const huge = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\nConnection: close\r\n\r\n`;
    assertJsonError(await exchange(port, huge), 431, /./, rt);
    assertJsonError(await exchange(port, 'GET / HTTP/1.1 extra words\r\nHost: x\r\n\r\n'), 400, /./, rt);
  }
});

test.run();
