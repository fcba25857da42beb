// The one load generator of the tests and benches: W workers, each on its own
// keep-alive connection, send requests in a loop until stopped (or a time or
// count bound is hit), and count every outcome. By default it never retries:
// a reset, a refused or timed-out connection, a non-2xx status or a wrong body
// is a failure, as it is for a client that does not retry (wrk, a cron job, a
// webhook sender). With `retryClosed`, a GET whose connection was closed or reset
// before any response byte is sent again on a new one (RFC 9110 §9.2.2 allows
// it for idempotent requests; browsers, curl and Go do it for a reused one), and
// every such resend is counted apart.
import http from 'node:http';

export interface Target {
  url: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** A 2xx counts as ok only if this says so (a proxy can answer 200 with the wrong thing). */
  check?: (body: string, status: number) => boolean;
}

export interface LoadOptions {
  /** Workers, each with its own keep-alive connection. */
  concurrency?: number;
  /** Hard stop even if nobody calls stop() (a test that dies must not leave load running). */
  maxMs?: number;
  maxRequests?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Pause between a worker's requests (a gentler, steadier loop). */
  pauseMs?: number;
  /** Resend a GET whose connection closed or reset before any response, up to this many times (default 0: never). */
  retryClosed?: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** Resends under `retryClosed` (0 without it). */
  retried: number;
  /** Failures by cause: "ECONNRESET", "502", "timeout", "body", … */
  errors: Record<string, number>;
  /** When the last failed request was sent (ms since epoch; 0 when none failed): how long an outage lasted. */
  lastFailureAt: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadRun {
  stop: () => Promise<LoadResult>;
  /** Counts so far, while it runs. */
  now: () => LoadResult;
}

const MAX_MS = 120_000;
/** A connection that died before any response byte: the request may not even have been read. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'socket hang up']);
const MAX_REQUESTS = 1_000_000;

type Outcome = { status: number; body: string } | { error: string; beforeResponse: boolean };

function send(agent: http.Agent, t: Target, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let answered = false;
    const req = http.request(
      t.url,
      { method: t.method ?? 'GET', headers: t.headers, agent, timeout: timeoutMs },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (err) =>
          resolve({
            error: (err as NodeJS.ErrnoException).code ?? err.message,
            beforeResponse: false,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) return;
      resolve({ error: err.code ?? err.message, beforeResponse: true });
    });
    req.end(t.body);
  });
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export function startLoad(targets: readonly (Target | string)[], opts: LoadOptions = {}): LoadRun {
  const list: Target[] = targets.map((t) => (typeof t === 'string' ? { url: t } : t));
  const concurrency = opts.concurrency ?? 4;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const oneShot = new http.Agent({ keepAlive: false });
  const latencies: number[] = [];
  const counts = { ok: 0, failed: 0, retried: 0, errors: {} as Record<string, number>, lastFailureAt: 0 };
  let running = true;
  const deadline = Date.now() + (opts.maxMs ?? MAX_MS);
  const fail = (why: string, sentAt: number): void => {
    counts.failed++;
    counts.lastFailureAt = Math.max(counts.lastFailureAt, sentAt);
    counts.errors[why] = (counts.errors[why] ?? 0) + 1;
  };
  const worker = async (i: number): Promise<void> => {
    for (
      let n = 0;
      running && Date.now() < deadline && counts.ok + counts.failed < (opts.maxRequests ?? MAX_REQUESTS);
      n++
    ) {
      const t = list[(i + n) % list.length]!;
      const sentAt = Date.now();
      const started = performance.now();
      let out = await send(agent, t, opts.timeoutMs ?? 15_000);
      const lost = (o: Outcome): boolean => 'error' in o && o.beforeResponse && CONNECTION_LOST.has(o.error);
      for (let r = 0; r < (opts.retryClosed ?? 0) && lost(out) && (t.method ?? 'GET') === 'GET'; r++) {
        counts.retried++;
        // On a new connection, as browsers, curl and Go resend: another idle one
        // from the pool may have been closed by the same reload.
        out = await send(oneShot, t, opts.timeoutMs ?? 15_000);
      }
      latencies.push(performance.now() - started);
      if ('error' in out) fail(out.error, sentAt);
      else if (out.status < 200 || out.status > 299) fail(String(out.status), sentAt);
      else if (t.check && !t.check(out.body, out.status)) fail(`body ${out.body.slice(0, 60)}`, sentAt);
      else counts.ok++;
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  const result = (): LoadResult => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      ...counts,
      errors: { ...counts.errors },
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
    };
  };
  return {
    now: result,
    stop: async () => {
      running = false;
      await done;
      agent.destroy();
      oneShot.destroy();
      return result();
    },
  };
}

/** "1203 ok, 0 failed (p50 1.2 ms, p99 8.0 ms, max 31 ms)", with the causes of failures and retries when there are any. */
export function describeLoad(r: LoadResult): string {
  const errors = Object.entries(r.errors)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${v}× ${k}`)
    .join(', ');
  const retried = r.retried > 0 ? `, ${r.retried} resent after a closed connection` : '';
  return `${r.ok} ok, ${r.failed} failed${errors ? ` (${errors})` : ''}${retried}; p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(0)} ms`;
}
