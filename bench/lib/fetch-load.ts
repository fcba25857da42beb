// A bounded load generator for zero-failure checks: W workers send GET requests
// in a loop until stopped (or a time/count bound is hit). Like browsers and Go's
// http.Transport (RFC 9110 §9.2.2 allows it for idempotent requests), it retries
// a request whose connection was closed before any response byte arrived: Caddy
// 2.6 closes idle client connections on every graceful reload (and can reset a
// connection accepted during the listener handover), and Node's fetch does not
// retry by itself. The pool may hold several such connections, so up to
// MAX_RETRIES; every retry is counted and reported, never hidden.
// Used by the deploy bench's swap figures and by the stack and soak tests, so
// the bench and the tests count failures the same way.
export interface LoadResult {
  ok: number;
  failed: number;
  retried: number;
  errors: Record<string, number>;
}

export interface LoadRun {
  stop: () => Promise<LoadResult>;
}

/** Default bound on a run; soak tests pass a longer one (their duration + margin). */
const MAX_MS = 120_000;
const MAX_RETRIES = 3;
const MAX_REQUESTS = 500_000;

function closedBeforeResponse(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

export interface LoadOptions {
  /** Hard stop even if nobody calls stop() (a test that dies must not leave load running). */
  maxMs?: number;
  /** A 200 counts as ok only if its body passes (a proxy can answer 200 with the wrong thing). */
  check?: (body: string) => boolean;
}

export function startLoad(urls: string[], workers = 4, opts: LoadOptions = {}): LoadRun {
  const result: LoadResult = { ok: 0, failed: 0, retried: 0, errors: {} };
  let running = true;
  const deadline = Date.now() + (opts.maxMs ?? MAX_MS);
  const note = (key: string) => {
    result.failed++;
    result.errors[key] = (result.errors[key] ?? 0) + 1;
  };
  async function once(url: string): Promise<Response> {
    return fetch(url, { signal: AbortSignal.timeout(10_000) });
  }
  async function worker(i: number): Promise<void> {
    let n = 0;
    while (running && Date.now() < deadline && result.ok + result.failed < MAX_REQUESTS) {
      const url = urls[(i + n++) % urls.length]!;
      try {
        let res: Response | undefined;
        for (let attempt = 0; !res; attempt++) {
          try {
            res = await once(url);
          } catch (err) {
            if (!closedBeforeResponse(err) || attempt >= MAX_RETRIES) throw err;
            result.retried++;
          }
        }
        const body = await res.text();
        if (res.status === 200 && (!opts.check || opts.check(body))) result.ok++;
        else note(`${res.status} ${body.slice(0, 80)}`);
      } catch (err) {
        note((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      }
    }
  }
  const done = Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  return {
    stop: async () => {
      running = false;
      await done;
      return result;
    },
  };
}
