// The routes' Caddyfile with proxy.tls (caddyfile.ts renders the rest): a plain
// HTTP site that keeps the health endpoint, lets Caddy answer ACME's HTTP
// challenge and redirects the proxy's host names to HTTPS, then one HTTPS site
// for the domain (every route no host claims) and one per route host. Pure;
// the certificate files appear only as their fixed paths in the container.
//
// Several sites make two servers (HTTP and HTTPS): safe to reload only with a
// Caddy that undoes a failed start. 2.6.2 leaves part of a failed config
// running for good; faaso's image has 2.11.4, which does not (README: "Which Caddy").
import { HOSTNAME, TLS_CERT_IN_CONTAINER, TLS_KEY_IN_CONTAINER } from '../config/tls-rules.ts';
import type { PlannedRoute, StackPlan, TlsConfig } from '../types.ts';

/** HTTPS inside the proxy container (published as proxy.tls.https_port): above 1024, so no capability is needed. */
export const PROXY_HTTPS_LISTEN_PORT = 8443;
/** One year, this host only: what browsers' preload guidance calls the minimum, without includeSubDomains. */
export const HSTS_VALUE = 'max-age=31536000';

/** What caddyfile.ts contributes to every site, so both renderers share one definition. */
export interface SiteParts {
  /** The plain HTTP port inside the container. */
  httpListen: number;
  /** The access log lines (empty when proxy.access_log is false). */
  log: string[];
  health: string[];
  notFound: string[];
  /** A site's log, health, routes (longest first) and JSON 404. */
  body: (routes: readonly PlannedRoute[]) => string[];
}

/**
 * Global options with TLS: Caddy's own ports are the container's (its ACME
 * solvers answer there), its automatic redirect is off (it would name the
 * container's port, not the published one: faaso writes its own), and HTTP/3
 * is off (Caddy would advertise UDP 8443 in Alt-Svc, which nothing publishes).
 */
export function httpsGlobalOptions(tls: TlsConfig, httpListen: number): { top: string[]; servers: string[] } {
  return {
    top: [
      `\thttp_port ${httpListen}`,
      `\thttps_port ${PROXY_HTTPS_LISTEN_PORT}`,
      '\tauto_https disable_redirects',
      // Caddy would try to add its root to this container's trust store: nothing to trust there.
      ...(tls.mode === 'internal' ? ['\tskip_install_trust'] : []),
    ],
    servers: ['\t\tprotocols h1 h2'],
  };
}

const tlsDirective = (tls: TlsConfig): string[] =>
  tls.mode === 'internal'
    ? ['\ttls internal']
    : tls.mode === 'files'
      ? [`\ttls ${TLS_CERT_IN_CONTAINER} ${TLS_KEY_IN_CONTAINER}`]
      : [];

/** `https://{host}{uri}`, with the published port when it is not 443 (Caddy's {host} has no port). */
export function redirectTarget(httpsPort: number): string {
  return `https://{host}${httpsPort === 443 ? '' : `:${httpsPort}`}{uri}`;
}

/** Every site of the routes' Caddyfile with TLS, after the global options. */
export function httpsSites(plan: StackPlan, tls: TlsConfig, parts: SiteParts): string[] {
  const names = [tls.domain, ...tls.hosts.map((h) => h.host)];
  for (const n of names)
    if (!HOSTNAME.test(n)) throw new Error(`caddyfile: host ${JSON.stringify(n)} is not a DNS name`);
  if (!Number.isInteger(tls.httpsPort) || tls.httpsPort < 1 || tls.httpsPort > 65535)
    throw new Error(`caddyfile: port ${tls.httpsPort} is not a TCP port`);
  const lines = [
    '',
    '# Plain HTTP: the health endpoint, ACME HTTP challenges (answered by Caddy first), a redirect to HTTPS',
    `:${parts.httpListen} {`,
    ...parts.log,
    ...parts.health,
    '',
    `\t@https host ${[...names].sort().join(' ')}`,
    '\thandle @https {',
    `\t\tredir ${redirectTarget(tls.httpsPort)} 308`,
    '\t}',
    '',
    ...parts.notFound,
    '}',
  ];
  const claimed = new Set(tls.hosts.flatMap((h) => h.paths));
  const sites = [
    { host: tls.domain, routes: plan.routes.filter((r) => !claimed.has(r.path)), what: 'every route no host claims' },
    ...tls.hosts.map((h) => ({
      host: h.host,
      routes: plan.routes.filter((r) => h.paths.includes(r.path)),
      what: h.paths.join(' '),
    })),
  ];
  for (const s of sites) {
    lines.push('', `# ${s.host}: ${s.what}`, `${s.host} {`, ...tlsDirective(tls));
    if (tls.hsts) lines.push(`\theader Strict-Transport-Security "${HSTS_VALUE}"`);
    lines.push(...parts.body(s.routes), '}');
  }
  return lines;
}
