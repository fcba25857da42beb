// HTTP helpers for proxy tests: a raw request (the path goes out exactly as
// written) and a bounded keep-alive GET load generator that counts failures.
import http from 'node:http';

export interface Res {
  status: number;
  body: string;
  type: string;
}

/** Raw request: the path goes out exactly as written (fetch would normalise it). */
export function rawRequest(port: number, p: string, opts: { method?: string; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

export interface LoadStats {
  ok: number;
  failed: string[];
  retriedReused: number;
  retriedFresh: number;
  latencies: number[];
}

const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE']);

/**
 * `count` GETs over `concurrency` keep-alive connections. A GET whose connection
 * dies before any response byte is retried once, 50 ms later, on a new connection:
 * RFC 9110 §9.2.2 lets clients retry idempotent requests after such a failure; curl,
 * browsers and Go retry a reused connection the server closed (Node's `reusedSocket`
 * idiom). Caddy 2.6.2 needs it: a reload opens a new listening socket
 * (SO_REUSEPORT) and closes idle keep-alive connections, so a client racing it sees
 * ECONNRESET — on a reused connection (≈1 per open connection per reload) and
 * rarely on a fresh one. Both counts are reported, and bounded by the caller.
 */
export async function loadGet(
  url: string,
  count: number,
  concurrency: number,
  check: (r: Res) => boolean,
): Promise<LoadStats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const stats: LoadStats = { ok: 0, failed: [], retriedReused: 0, retriedFresh: 0, latencies: [] };
  const once = () =>
    new Promise<{ res?: Res; err?: NodeJS.ErrnoException; reused: boolean }>((resolve) => {
      const req = http.get(url, { agent, timeout: 15_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({
            res: { status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') },
            reused: false,
          }),
        );
        res.on('error', (err) => resolve({ err, reused: false }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ err, reused: req.reusedSocket }));
    });
  let left = count;
  const worker = async () => {
    while (left-- > 0) {
      const t = performance.now();
      let r = await once();
      if (r.err && (CONNECTION_LOST.has(r.err.code ?? '') || r.err.message === 'socket hang up')) {
        if (r.reused) stats.retriedReused++;
        else stats.retriedFresh++;
        await new Promise((ok) => setTimeout(ok, 50));
        r = await once();
      }
      stats.latencies.push(performance.now() - t);
      if (r.res && check(r.res)) stats.ok++;
      else
        stats.failed.push(
          r.err ? `${r.err.code ?? ''} ${r.err.message}` : `${r.res!.status} ${r.res!.body.slice(0, 80)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return stats;
}

export const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
export const pmax = (xs: number[]) => Math.max(...xs);
