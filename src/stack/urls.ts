// Where a route answers, as `up` and `status` print it: http://BIND:PORT/path,
// or with proxy.tls https://NAME[:PORT]/path on the route's host. Pure.
import type { TlsConfig } from './types.ts';

export interface UrlSource {
  bind: string;
  proxy: { port: number; tls?: TlsConfig };
}

/** The address that reaches `bind` from this machine (0.0.0.0 listens on loopback too). */
const reach = (bind: string): string => (bind === '0.0.0.0' ? '127.0.0.1' : bind);

/** The proxy's base URL for a route (its per-route host with TLS), without a trailing slash; `host` overrides the bind address. */
export function proxyBase(s: UrlSource, route?: string, host = reach(s.bind)): string {
  const tls = s.proxy.tls;
  if (!tls) return `http://${host}:${s.proxy.port}`;
  const name = tls.hosts.find((h) => route !== undefined && h.paths.includes(route))?.host ?? tls.domain;
  return `https://${name}${tls.httpsPort === 443 ? '' : `:${tls.httpsPort}`}`;
}

/** Every route's URL, space-separated. */
export const routeUrls = (s: UrlSource, paths: readonly string[], host?: string): string =>
  paths.map((p) => `${proxyBase(s, p, host)}${p}`).join(' ');
