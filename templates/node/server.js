'use strict';
// faaso Node runtime: serves /app/handler.js's handle(req) over HTTP (node:http,
// no dependencies). GET (and HEAD) /ping answers "pong" without calling the
// handler; every other request goes to the handler. Every answer the server gives
// by itself (413, 431, a malformed request) is JSON, as the handler's errors are. `server.js --healthcheck` exits 0 iff the
// running server answers GET /ping with 200.
//
// This file uses no import/require statements, only import(), so it runs the
// same whether the function's package.json makes .js files CommonJS or ESM.
//
// On SIGTERM or SIGINT the server drains instead of dying: the proxy finds
// replicas through Docker's DNS, which drops one only once its container has
// stopped, and it retries a request elsewhere only when it could not connect.
// So the listening socket is closed at once (new connections are refused, which
// the proxy retries), requests in flight and requests on already-open connections
// are answered with `Connection: close`, idle connections are closed once quiet,
// and the process exits when none is left, or after FAASO_DRAIN_SECONDS (default
// 10) at the latest.

const PORT = Number(process.env.PORT || 3000);
const MAX_BODY = 16 * 1024 * 1024;
// A body over MAX_BODY is still read to its end and dropped, up to this size,
// before the 413: closing a connection with unread bytes makes the kernel reset
// it, and a client still sending may lose the answer with it. A larger body is
// answered at once and the connection closed.
const DISCARD_MAX = 4 * MAX_BODY;
// Deeper JSON is refused with 400 (the limit of Crystal's parser, so every runtime
// agrees): JSON.parse takes any depth, but a handler that walks or re-encodes
// the value recurses, and overflows the stack into a 500.
const MAX_JSON_DEPTH = 512;
// Longer than a proxy's idle keep-alive (Caddy: 2 min), so the proxy, not this
// server, closes idle connections and never reuses one being closed.
const KEEP_ALIVE_MS = 150_000;
// During a drain an idle keep-alive connection is closed only after this long
// without a request, so a client that just got a response and is about to reuse
// the connection is not cut off as it sends.
const DRAIN_QUIET_MS = 500;
// Once drained, the process stays up this long, refusing connections, before it
// exits: proxies find replicas through DNS, refreshed every 250 ms, and an
// address that refuses is skipped at once, where one that is gone (the container
// stopped) would keep a request waiting for its dial timeout.
const DRAIN_LINGER_MS = 300;
const DRAIN_SECONDS_DEFAULT = 10;

/** Set when SIGTERM or SIGINT starts the drain: { start } (performance.now()). */
let drain = null;

/** FAASO_DRAIN_SECONDS: how long a drain may take at most (0-3600 s). */
function drainSeconds() {
  const raw = (process.env.FAASO_DRAIN_SECONDS || '').trim();
  if (raw === '') return DRAIN_SECONDS_DEFAULT;
  if (/^[0-9]+(\.[0-9]+)?$/.test(raw) && Number(raw) <= 3600) return Number(raw);
  console.error(`faaso: FAASO_DRAIN_SECONDS=${JSON.stringify(raw)} is not a number of seconds from 0 to 3600; using ${DRAIN_SECONDS_DEFAULT}`);
  return DRAIN_SECONDS_DEFAULT;
}

/** Thrown by req.json() for a body that is not JSON: answered with 400. */
class BadRequest extends Error {}

function parseQuery(search) {
  // Null-prototype objects (like node:querystring's), so ?__proto__=1 or
  // ?constructor=1 are plain keys.
  const query = Object.create(null);
  const queryAll = Object.create(null);
  for (const [k, v] of new URLSearchParams(search)) {
    if (!Object.hasOwn(queryAll, k)) {
      queryAll[k] = [];
      query[k] = v;
    }
    queryAll[k].push(v);
  }
  return { query, queryAll };
}

const tooDeep = `request body is JSON nested deeper than ${MAX_JSON_DEPTH} levels`;

/** Whether valid JSON text nests [ and { deeper than max (brackets in strings do not count). */
function jsonDepthExceeds(text, max) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** What handle(req) receives. */
function makeRequest(req, raw) {
  const target = req.url || '/';
  const q = target.indexOf('?');
  const { query, queryAll } = parseQuery(q < 0 ? '' : target.slice(q + 1));
  let text;
  let parsed;
  let isParsed = false;
  return {
    method: req.method,
    path: q < 0 ? target : target.slice(0, q),
    query,
    queryAll,
    headers: req.headers, // node gives lower-case names
    rawBody: raw,
    get body() {
      if (text === undefined) text = raw.toString('utf8');
      return text;
    },
    json() {
      if (!isParsed) {
        if (raw.toString('utf8').trim() === '') throw new BadRequest('request body is empty, expected JSON');
        const text = raw.toString('utf8');
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          if (err instanceof RangeError) throw new BadRequest(tooDeep);
          throw new BadRequest(`request body is not valid JSON: ${err.message}`);
        }
        if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new BadRequest(tooDeep);
        isParsed = true;
      }
      return parsed;
    },
  };
}

/** A plain return value -> [status, headers, body Buffer]. */
function encode(value) {
  if (value === null || value === undefined) return [204, {}, Buffer.alloc(0)];
  if (typeof value === 'string') return [200, { 'content-type': 'text/plain; charset=utf-8' }, Buffer.from(value, 'utf8')];
  if (value instanceof Uint8Array) return [200, { 'content-type': 'application/octet-stream' }, Buffer.from(value.buffer, value.byteOffset, value.byteLength)];
  if (value instanceof ArrayBuffer) return [200, { 'content-type': 'application/octet-stream' }, Buffer.from(value)];
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`handler returned unsupported type ${typeof value}`);
  return [200, { 'content-type': 'application/json' }, Buffer.from(json, 'utf8')];
}

/** A plain value, or an explicit web Response (new Response(body, {status, headers}), Response.json(...)). */
async function toReply(result) {
  if (!(result instanceof Response)) return encode(result);
  const headers = {};
  for (const [k, v] of result.headers) if (k !== 'set-cookie') headers[k] = v;
  const cookies = typeof result.headers.getSetCookie === 'function' ? result.headers.getSetCookie() : [];
  if (cookies.length) headers['set-cookie'] = cookies;
  return [result.status, headers, Buffer.from(await result.arrayBuffer())];
}

function jsonError(status, message) {
  return [status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ error: message }))];
}

function send(res, [status, headers, body]) {
  const noBody = status === 204 || status === 304 || status < 200;
  const out = { ...headers };
  delete out['content-length'];
  delete out['transfer-encoding'];
  if (!noBody) out['content-length'] = String(body.length);
  // During a drain every response is its connection's last: node closes the
  // connection after it, and the client knows not to send another request on it.
  if (drain) out.connection = 'close';
  res.writeHead(status, out);
  res.end(noBody ? undefined : body);
}

/** The body, or null when it is larger than MAX_BODY (read and dropped up to DISCARD_MAX). */
function readBody(req) {
  return new Promise((resolve, reject) => {
    let chunks = [];
    let size = 0;
    const giveUp = () => {
      req.removeAllListeners('data');
      req.pause();
      resolve(null);
    };
    if (Number(req.headers['content-length']) > DISCARD_MAX) return giveUp();
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > DISCARD_MAX) giveUp();
      else if (size > MAX_BODY) chunks = [];
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function pickHandle(mod) {
  // ESM `export function handle` / CJS `module.exports = { handle }` (as a named
  // export or via default), ESM `export default fn` / CJS `module.exports = fn`.
  if (typeof mod.handle === 'function') return mod.handle;
  const d = mod.default;
  if (typeof d === 'function') return d;
  if (d && typeof d.handle === 'function') return d.handle;
  return undefined;
}

async function healthcheck(http) {
  const ok = await new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: PORT, path: '/ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
  process.exit(ok ? 0 : 1);
}

const seconds = (ms) => (ms / 1000).toFixed(1);

async function main() {
  const http = await import('node:http');
  if (process.argv.includes('--healthcheck')) return healthcheck(http);
  const net = await import('node:net');

  // Open connections, each with { requests: in flight, idleSince: when its last
  // response was done, bytesRead: socket.bytesRead then, closing }.
  const conns = new Map();
  let server;

  // Busy while a request on it is handled, or being read: node emits nothing
  // before a request's headers are complete, but the socket's byte count moves.
  const isQuiet = (socket, c, now) =>
    c.requests === 0 && socket.bytesRead === c.bytesRead && now - Math.max(c.idleSince, drain.start) >= DRAIN_QUIET_MS;

  const closeQuiet = () => {
    const now = performance.now();
    for (const [socket, c] of conns) {
      if (c.closing || !isQuiet(socket, c, now)) continue;
      c.closing = true;
      // A FIN, then close: no reset, as an idle connection has nothing left unread.
      socket.end(() => socket.destroy());
    }
  };

  const exitIfDrained = () => {
    if (!drain || drain.done || conns.size > 0) return;
    drain.done = true;
    console.log(`faaso: drained in ${seconds(performance.now() - drain.start)}s`);
    setTimeout(() => process.exit(0), DRAIN_LINGER_MS);
  };

  const startDrain = (signal, limit) => {
    if (drain) return; // a second signal changes nothing
    if (!server || !server.listening) process.exit(0); // still loading: nothing to drain
    drain = { start: performance.now() };
    // Stop accepting: new connection attempts are refused from here on. Not
    // server.close(), which (Node >= 19) also destroys idle connections at once.
    net.Server.prototype.close.call(server);
    console.log(`faaso: ${signal}: draining ${conns.size} connection(s)`);
    setInterval(closeQuiet, 50);
    setTimeout(() => {
      console.log(`faaso: drain deadline reached after ${seconds(performance.now() - drain.start)}s, closing ${conns.size} connection(s)`);
      for (const socket of conns.keys()) socket.destroy();
      process.exit(0);
    }, limit * 1000);
    exitIfDrained();
  };

  // As PID 1 there are no default signal actions: install them explicitly, and
  // before the handler's import, which may be slow.
  const limit = drainSeconds();
  process.on('SIGTERM', () => startDrain('SIGTERM', limit));
  process.on('SIGINT', () => startDrain('SIGINT', limit));

  // The handler is loaded before the port is bound: a function whose handler
  // fails to load never accepts a connection.
  const path = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  const file = path.join(path.dirname(path.resolve(process.argv[1])), 'handler.js');
  const handle = pickHandle(await import(pathToFileURL(file).href));
  if (!handle) throw new Error(`${file} must export a function handle(req) (or export it as default)`);

  server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, async (req, res) => {
    const c = conns.get(req.socket);
    c.requests += 1;
    res.on('close', () => {
      c.requests -= 1;
      c.idleSince = performance.now();
      c.bytesRead = req.socket.bytesRead;
    });
    let reply;
    try {
      const raw = await readBody(req);
      if (raw === null) {
        res.setHeader('connection', 'close');
        return send(res, jsonError(413, `request body larger than ${MAX_BODY} bytes`));
      }
      if ((req.method === 'GET' || req.method === 'HEAD') && (req.url === '/ping' || req.url.startsWith('/ping?'))) {
        // Even while draining: the request reached a server that still answers,
        // and a client calling /ping through a proxy must not see a failure.
        return send(res, [200, { 'content-type': 'text/plain; charset=utf-8' }, Buffer.from('pong')]);
      }
      reply = await toReply(await handle(makeRequest(req, raw)));
    } catch (err) {
      if (err instanceof BadRequest) reply = jsonError(400, err.message);
      else {
        console.error(`faaso: ${req.method} ${req.url}: handler failed:`, err);
        reply = jsonError(500, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
    }
    if (!res.headersSent && !res.destroyed) send(res, reply);
  });
  // node:http answers a request it cannot parse by itself, with an empty body:
  // the same statuses here (431 headers too large, 408 too slow, else 400), as JSON.
  server.on('clientError', (err, socket) => {
    if (!socket.writable || (socket._httpMessage && socket._httpMessage.headersSent)) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ error: `${http.STATUS_CODES[status]}: ${err.code || err.message}` });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.on('connection', (socket) => {
    conns.set(socket, { requests: 0, idleSince: performance.now(), bytesRead: 0, closing: false });
    socket.on('close', () => {
      conns.delete(socket);
      exitIfDrained();
    });
  });
  server.listen(PORT, '0.0.0.0', () => console.log(`faaso: node function listening on 0.0.0.0:${PORT}`));
}

main().catch((err) => {
  console.error('faaso:', err);
  process.exit(1);
});
