// Sends one test request with fetch and collects the response for comparison.
import type { HttpTestRequest } from '../function/types.ts';
import type { HttpResponseData } from './compare.ts';

export function requestInit(req: HttpTestRequest): { method: string; headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = { ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  } else if (req.body !== undefined) {
    body = req.body;
  }
  return body === undefined ? { method: req.method, headers } : { method: req.method, headers, body };
}

/**
 * Why a request failed, with its causes: fetch says only "fetch failed" and
 * keeps the reason (a reset, "other side closed", a refused connection) in
 * `cause`, with a code such as ECONNRESET or UND_ERR_SOCKET.
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
  const res = await fetch(baseUrl + req.path, { ...requestInit(req), signal: AbortSignal.timeout(timeoutMs) });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
  return { status: res.status, headers, body: await res.text() };
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
      const res = await fetch(`${baseUrl}/ping`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return 'ready';
    } catch {
      // not listening yet
    }
    // Checking the container costs a docker call; do it every few polls only.
    if (++attempt % 5 === 0 && !(await opts.isAlive())) return 'exited';
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}
