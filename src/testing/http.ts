// Sends one test request and collects the response as the function gave it:
// over node:http, not fetch, so a redirect is the test's answer rather than
// followed, no header is added but `accept: */*` (when the test sets none) and
// the body's length, and a build's tests do not pay for loading undici
// (~0.2 s a process: src/util/http-request.ts).
import type { HttpTestRequest } from '../function/types.ts';
import { httpRequest } from '../util/http-request.ts';
import type { HttpResponseData } from './compare.ts';

/** Whether `headers` has `name` (lower case), in any case: a test may write `Content-Type` or `content-type`. */
function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

export function requestInit(req: HttpTestRequest): { method: string; headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  } else if (req.body !== undefined) {
    body = req.body;
  }
  return body === undefined ? { method: req.method, headers } : { method: req.method, headers, body };
}

/**
 * Why a request failed, with its causes: fetch (which scheduled requests use)
 * says only "fetch failed" and keeps the reason (a reset, "other side closed", a
 * refused connection) in `cause`, with a code such as ECONNRESET or UND_ERR_SOCKET.
 */
export function requestFailure(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const { message, code, cause } = e as { message?: unknown; code?: unknown; cause?: unknown };
    const text = typeof message === 'string' && message ? message : String(e);
    const withCode = typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
    if (!parts.includes(withCode)) parts.push(withCode);
    e = cause;
  }
  return parts.join(': ');
}

export async function sendRequest(
  baseUrl: string,
  req: HttpTestRequest,
  timeoutMs = 10_000,
): Promise<HttpResponseData> {
  const init = requestInit(req);
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = { ...init.headers };
  if (!hasHeader(headers, 'accept')) headers['accept'] = '*/*';
  // A body goes with its length, never chunked (not every server reads a chunked request body).
  if (body && !hasHeader(headers, 'content-length')) headers['content-length'] = String(body.length);
  const res = await httpRequest(baseUrl + req.path, { method: init.method, headers, body, timeoutMs });
  const got: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) got[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.status, headers: got, body: res.body.toString('utf8') };
}

/** Polls GET /ping until it answers 200, `isAlive` says the server died, or time runs out. */
export async function waitForPing(
  baseUrl: string,
  opts: { timeoutMs: number; isAlive: () => Promise<boolean> },
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + opts.timeoutMs;
  let attempt = 0;
  while (Date.now() < deadline) {
    try {
      if ((await httpRequest(`${baseUrl}/ping`, { timeoutMs: 1000 })).status === 200) return 'ready';
    } catch {
      // not listening yet
    }
    // Checking the container costs a docker call; do it every few polls only.
    if (++attempt % 5 === 0 && !(await opts.isAlive())) return 'exited';
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}
