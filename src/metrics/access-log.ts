// Caddy's JSON access log (one line per request on the proxy's stdout, the
// default: proxy.access_log) is where faaso's metrics come from: no code in the
// functions, nothing added to the proxy's request path. Pure parsing of one line.

/** One request as the proxy handled it. */
export interface AccessRecord {
  /** When Caddy logged it (the answer was sent), ms since epoch. */
  at: number;
  method: string;
  /** The request's path as the client sent it (no query). */
  path: string;
  status: number;
  /** Time to the whole answer, ms. */
  ms: number;
}

/** Caddy names access loggers http.log.access(.NAME); its own messages use other loggers. */
const ACCESS_LOGGER = '"logger":"http.log.access';

interface CaddyAccessJson {
  ts?: unknown;
  duration?: unknown;
  status?: unknown;
  request?: { method?: unknown; uri?: unknown };
}

/** A line of the proxy's log → the request it records, or null for anything else (Caddy's own messages, noise). */
export function parseAccessLine(line: string): AccessRecord | null {
  // Cheap test first: most lines under load are access lines, the rest need no JSON.parse.
  if (!line.includes(ACCESS_LOGGER)) return null;
  let j: CaddyAccessJson;
  try {
    j = JSON.parse(line.slice(line.indexOf('{'))) as CaddyAccessJson;
  } catch {
    return null;
  }
  const { ts, duration, status, request } = j;
  if (typeof ts !== 'number' || typeof duration !== 'number' || typeof status !== 'number') return null;
  if (typeof request?.method !== 'string' || typeof request.uri !== 'string') return null;
  const q = request.uri.indexOf('?');
  return {
    at: Math.round(ts * 1000),
    method: request.method,
    path: q < 0 ? request.uri : request.uri.slice(0, q),
    status,
    ms: duration * 1000,
  };
}
