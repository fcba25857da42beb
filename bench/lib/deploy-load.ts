// The load a redeploy runs under: clients that never retry, through the proxy's
// route and on the function's own port (the ports listener), so every request a
// swap drops is counted. wrk (C, cheap) with one connection on each entry
// point, and beside it http-load's GET loop and POST loop, 2 workers each,
// alternating between the two entry points and checking every answer.
import { startLoad, type LoadResult, type Target } from './http-load.ts';
import { startWrk, type WrkResult } from './wrk.ts';

export interface Entries {
  /** http://127.0.0.1:PROXY/fn */
  route: string;
  /** http://127.0.0.1:PORT/ (the function's own port) */
  own: string;
}

export interface RoundLoad {
  wrk: { route: WrkResult; own: WrkResult };
  get: LoadResult;
  post: LoadResult;
}

/** Seconds of load before the command starts and after it ends, so both edges are covered. */
export const MARGIN_MS = 1000;
/** Upper bound on one round: wrk and the loops stop on their own after this. */
const MAX_SEC = 600;

// `sum` answers 3 for a=1&b=2 and for [1, 2]: any other body is a failure too.
const sumIs3 = (body: string): boolean => {
  try {
    return (JSON.parse(body) as { sum?: unknown }).sum === 3;
  } catch {
    return false;
  }
};

export async function underLoad<T>(e: Entries, body: () => Promise<T>): Promise<{ value: T; load: RoundLoad }> {
  const query = '?a=1&b=2';
  const wrk = (url: string) => startWrk({ url, connections: 1, threads: 1, durationSec: MAX_SEC, timeoutSec: 10 });
  const route = await wrk(`${e.route}${query}`);
  const own = await wrk(`${e.own}${query}`).catch(async (err: unknown) => {
    await route.stop().catch(() => undefined);
    throw err;
  });
  const loop = { concurrency: 2, maxMs: MAX_SEC * 1000 };
  const post = (url: string): Target => ({
    url,
    method: 'POST',
    body: '{"numbers": [1, 2]}',
    headers: { 'content-type': 'application/json' },
    check: sumIs3,
  });
  const get = startLoad(
    [e.route, e.own].map((u) => ({ url: `${u}${query}`, check: sumIs3 })),
    loop,
  );
  const posts = startLoad([post(e.route), post(e.own)], loop);
  const stopAll = async (): Promise<RoundLoad> => {
    const [r, o, g, p] = await Promise.all([route.stop(), own.stop(), get.stop(), posts.stop()]);
    return { wrk: { route: r, own: o }, get: g, post: p };
  };
  let value: T;
  try {
    await new Promise((r) => setTimeout(r, MARGIN_MS));
    value = await body();
    await new Promise((r) => setTimeout(r, MARGIN_MS));
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
  return { value, load: await stopAll() };
}
