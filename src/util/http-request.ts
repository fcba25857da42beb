// One HTTP/1.1 exchange over node:http, for the CLI's own short calls: the
// registry's API, a replica's /ping while `up` waits, a Swarm proxy's health
// answer, a function's tests (testing/http.ts). Not fetch: Node 20's fetch loads
// undici and compiles its llhttp WebAssembly on first use, which costs a CLI run
// ~0.2 s of wall time and CPU for a single HEAD request (README, Performance).
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** A deadline for the whole exchange: connect, send and read the body. */
  timeoutMs: number;
}

/** The answer with its whole body; rejects on a connection error or when the deadline passes. */
export function httpRequest(url: string, opts: HttpRequestOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, signal: AbortSignal.timeout(opts.timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new Error(`${url}: the answer was cut off`)));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A header's single value (the first, if it was repeated). */
export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
