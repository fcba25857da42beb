// Sends one request and times it to the last byte of the answer: `invoke`, the
// console's invoke form and scheduled runs all go through here. A redirect is
// the function's answer and is shown as such (curl without -L), as in the
// function tests: following it would report another route's answer instead.
import type { InvokeRequest } from './plan.ts';

export interface InvokeResult {
  status: number;
  statusText: string;
  /** From sending to the whole body received. */
  ms: number;
  /** Response headers, lower-case names, in the order received. */
  headers: [string, string][];
  body: string;
}

export const INVOKE_TIMEOUT_MS = 30_000;

/** The answer, or an Error saying why there was none (refused, timed out). */
export async function sendInvoke(req: InvokeRequest, timeoutMs = INVOKE_TIMEOUT_MS): Promise<InvokeResult> {
  const started = performance.now();
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    redirect: 'manual',
    ...(req.body === undefined ? {} : { body: req.body as BodyInit }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.text();
  const headers: [string, string][] = [];
  res.headers.forEach((v, k) => headers.push([k, v]));
  return { status: res.status, statusText: res.statusText, ms: performance.now() - started, headers, body };
}

/** Why a request got no answer, in one line ("connection refused", "timed out after 30 s"). */
export function sendFailure(err: unknown, timeoutMs = INVOKE_TIMEOUT_MS): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (e?.cause?.code === 'ECONNREFUSED') return 'connection refused (is the stack up? npx zx scripts/status.mjs)';
  return e?.cause?.message ?? e?.message ?? String(err);
}
