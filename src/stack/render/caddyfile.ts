// StackPlan → the two Caddyfiles of faaso's proxy image (Caddy 2.11): the routes
// (one site on the proxy port) and the functions' own ports (one site per
// function port, served by the `ports` service). Pure and deterministic: same
// plan, same bytes, already in `caddy fmt` layout (tabs) so `caddy validate` has
// nothing to warn about. Every value that lands in the text is checked against a
// strict pattern first, so no route or name can smuggle Caddyfile syntax
// (braces, quotes, spaces, newlines) into the config.
import { createHash } from 'node:crypto';
import { FUNCTION_PORT } from '../../function/contract.ts';
import { CADDY_ADMIN_PORT } from '../config/ports.ts';
import type { PlannedRoute, StackPlan } from '../types.ts';
import { AUTH_ERRORS, hasBasic, hasKeys, logFormat, withAuth } from './caddy-auth.ts';
import { httpsGlobalOptions, httpsSites } from './caddyfile-tls.ts';

/** Port the proxy listens on inside its container (published as proxy.port). */
export const PROXY_LISTEN_PORT = 8080;
/** Admin API: loopback inside the proxy containers only, never published. */
export const PROXY_ADMIN = `localhost:${CADDY_ADMIN_PORT}`;
/** The proxy's own health endpoint (image HEALTHCHECK and compose healthcheck). */
export const PROXY_HEALTH_PATH = '/__faaso/health';
/** The routes' config, in compose/caddy/ (mounted on /etc/faaso/caddy). */
export const ROUTES_CADDYFILE = 'Caddyfile';
/** The own ports' config, beside it. */
export const PORTS_CADDYFILE = 'ports.Caddyfile';
/** How often the proxies ask Docker's DNS for a function's replicas. */
export const DNS_REFRESH_MS = 250;

// Same character set the faaso.yml loader allows; no `*`, so a route is always a literal prefix.
const PATH_RE = /^\/[A-Za-z0-9._~/-]*$/;
const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function assertRoutePath(p: string): void {
  if (!PATH_RE.test(p)) throw new Error(`caddyfile: route path ${JSON.stringify(p)} must match ${PATH_RE}`);
  if (p !== '/' && p.endsWith('/')) throw new Error(`caddyfile: route path ${JSON.stringify(p)} must not end with /`);
  const segments = p.split('/').slice(1);
  if (p !== '/' && segments.some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new Error(`caddyfile: route path ${JSON.stringify(p)} has an empty, . or .. segment`);
  }
  const lower = p.toLowerCase();
  if (lower === '/__faaso' || lower.startsWith('/__faaso/')) {
    throw new Error(`caddyfile: route path ${JSON.stringify(p)} is reserved for the proxy`);
  }
}

export function assertFunctionName(n: string): void {
  if (!NAME_RE.test(n)) throw new Error(`caddyfile: function name ${JSON.stringify(n)} is not a DNS label`);
}

export function assertPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`caddyfile: port ${port} is not a TCP port`);
}

/** Longest path first (so /api/v2 wins over /api), then by path for stable output. */
export function routeOrder(a: { path: string }, b: { path: string }): number {
  return b.path.length - a.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * The upstreams of one function: every running replica, found through Docker's
 * DNS (the compose service name resolves to each of its containers), so scaling
 * and rolling updates change what Caddy proxies to without a reload — a reload
 * closes every idle client keep-alive connection, and a client that does not
 * retry sees that as an error.
 * - refresh 250ms (a lookup in Docker's own DNS, made only under load): a new
 *   replica gets requests within a moment of starting (`up` waits that long
 *   before it drains an old one). A drained replica refuses connections for a
 *   while before it exits (the function servers linger 300 ms), so the proxies
 *   have skipped it and dropped its address before it is gone: a dial to an
 *   address nobody has any more gets no answer at all, only a timeout. The
 *   lookup blocks the requests for that function, so the proxies' resolver gives
 *   up on a lost DNS answer after 1 s, not Go's 5 s (compose.ts: dns_opt).
 * - Passive health (max_fails 1, fail_duration 1s): an address that refused a
 *   dial (a replica still starting, or draining after SIGTERM: its server has
 *   closed its listener) or reset a request is skipped for a second instead of
 *   being picked again. Status codes never count: a 500 is the handler's answer.
 * - Retries for 10 s, every 25 ms: a dial error is retried for every method (no
 *   request was sent); a request that was sent is retried only if it is a GET,
 *   so a POST is never executed twice. "No upstreams" (every replica down for a
 *   moment, e.g. the only one restarting) is retried for every method. 10 s
 *   outlasts a hung replica until `watch` restarts it (a GET stuck on it is then
 *   sent again elsewhere) and a slow runtime's start.
 * - least_conn: a slow handler does not pile requests on one replica.
 * - dial_timeout 100ms: Docker's DNS names a new replica a moment before its
 *   network answers (~0.7 s measured here: a SYN then gets no reply at all, not
 *   even a reset), and a replica's address can outlive it. A dial there must
 *   give up quickly; it is retried elsewhere, and the address skipped for a
 *   second. Dials on a local bridge take well under a millisecond.
 * - Upstream keep-alive 90 s, below the function servers' 150 s idle timeout, so
 *   Caddy, not the function, closes idle connections; 32 idle connections per
 *   replica (Go's default of 2 made most requests dial anew under load).
 */
function reverseProxy(fn: string, indent: string): string[] {
  const lines = [
    'reverse_proxy {',
    `\tdynamic a ${fn} ${FUNCTION_PORT} {`,
    `\t\trefresh ${DNS_REFRESH_MS}ms`,
    '\t}',
    '\tlb_policy least_conn',
    '\tlb_try_duration 10s',
    '\tlb_try_interval 25ms',
    '\tfail_duration 1s',
    '\tmax_fails 1',
    '\ttransport http {',
    '\t\tdial_timeout 100ms',
    '\t\tkeepalive 90s',
    '\t\tkeepalive_idle_conns_per_host 32',
    '\t}',
    '}',
  ];
  return lines.map((l) => indent + l);
}

/**
 * Where Caddy writes the access log: a pipe the image's entrypoint makes and
 * relays to stdout in batches (images/caddy/faaso-proxy, which names the same
 * path), so `docker logs` of the proxy shows one JSON line per request as
 * before, at a fraction of the cost of one write to Docker per request.
 */
export const ACCESS_LOG_PIPE = '/tmp/faaso-access.pipe';
/** The access log's `output` (rolling off: a pipe is not a file to rotate), one level in from `log {`. */
export const ACCESS_LOG_OUTPUT: readonly string[] = [`output file ${ACCESS_LOG_PIPE} {`, '\troll_disabled', '}'];

/**
 * The access log (one JSON line per request, through ACCESS_LOG_PIPE to
 * stdout) is on unless faaso.yml says `proxy: {access_log: false}`: it is what
 * users look at first in `logs proxy`, and still the largest per-request cost
 * left in the proxy (see README, Performance). Docker rotates the lines it
 * stores. Caddy's own messages go straight to stdout.
 */
function accessLog(plan: StackPlan, keys = false): string[] {
  if (plan.proxy.accessLog === false) return [];
  return ['\tlog {', ...ACCESS_LOG_OUTPUT.map((l) => `\t\t${l}`), ...logFormat(keys, '\t\t'), '\t}', ''];
}

const HEADER = '# Generated by faaso from faaso.yml: do not edit, changes are overwritten.';

/**
 * Caddy's own log: `level` WARN for the ports listener, whose healthcheck asks
 * the admin API every 2 s (logged at INFO). `https`: the options of proxy.tls
 * (caddyfile-tls.ts) instead of auto_https off.
 */
const globalOptions = (level?: 'WARN', https?: { top: string[]; servers: string[] }): string[] => [
  '{',
  `\tadmin ${PROXY_ADMIN}`,
  ...(https?.top ?? ['\tauto_https off']),
  // In-flight requests get this long to finish when a reload retires the old config.
  '\tgrace_period 30s',
  '\tlog {',
  '\t\toutput stdout',
  '\t\tformat json',
  ...(level ? [`\t\tlevel ${level}`] : []),
  '\t}',
  '\tservers {',
  ...(https?.servers ?? []),
  '\t\ttimeouts {',
  '\t\t\tread_header 10s',
  '\t\t\tread_body 60s',
  '\t\t\tidle 2m',
  '\t\t}',
  '\t}',
  '}',
];

/** The health answer names the routes' version (a hash of the rest of the file): on Swarm, `up` asks every node's proxy for it. */
export const ROUTES_VERSION_HEADER = 'X-Faaso-Routes';
const VERSION_SLOT = '@@version@@';
const HEALTH_HANDLER = [
  `\thandle ${PROXY_HEALTH_PATH} {`,
  '\t\tskip_log',
  `\t\theader ${ROUTES_VERSION_HEADER} ${VERSION_SLOT}`,
  '\t\trespond "ok" 200',
  '\t}',
];

/** The version a routes Caddyfile announces on its health endpoint. */
export function routesVersion(caddyfile: string): string | undefined {
  return new RegExp(`^\\t\\theader ${ROUTES_VERSION_HEADER} ([0-9a-f]{12})$`, 'm').exec(caddyfile)?.[1];
}

// The 404 names the path only when it is made of characters that need no JSON
// escaping (checked by CEL on the very placeholder that is echoed); anything
// else gets the generic message, so user input never breaks the JSON.
const NOT_FOUND = [
  '\t@plainpath expression `{path}.matches("^[A-Za-z0-9._~/-]*$")`',
  '\thandle @plainpath {',
  '\t\theader Content-Type application/json',
  '\t\trespond `\\{"error":"no route for {http.request.uri.path}"\\}` 404',
  '\t}',
  '',
  '\thandle {',
  '\t\theader Content-Type application/json',
  '\t\trespond `\\{"error":"no route"\\}` 404',
  '\t}',
];

function checkRoutes(plan: StackPlan): void {
  const served = new Set(plan.services.map((s) => s.name));
  const seen = new Map<string, string>();
  for (const r of plan.routes) {
    assertRoutePath(r.path);
    assertFunctionName(r.function);
    if (!served.has(r.function))
      throw new Error(`caddyfile: route ${r.path} names ${r.function}, which has no service in the plan`);
    // Caddy's path matcher ignores case, so /Sum and /sum would shadow each other.
    const key = r.path.toLowerCase();
    if (seen.has(key))
      throw new Error(
        `caddyfile: route ${r.path} duplicates ${seen.get(key)} (Caddy matches paths case-insensitively)`,
      );
    seen.set(key, r.path);
  }
}

/** The access log of every site: API keys never logged when any route takes them. */
const siteLog = (plan: StackPlan): string[] => accessLog(plan, hasKeys(plan.routes.map((r) => r.auth)));

/** A site's handlers: access log, health, its routes (longest prefix first), auth errors, the JSON 404. */
function siteBody(plan: StackPlan, routes: readonly PlannedRoute[]): string[] {
  const lines = [...siteLog(plan), ...HEALTH_HANDLER];
  [...routes].sort(routeOrder).forEach((r, i) => {
    const matcher = `@route${i + 1}`;
    lines.push('', `\t# ${r.path} -> ${r.function}${r.auth ? ' (auth)' : ''}`);
    if (r.path === '/') lines.push(`\t${matcher} path /*`, `\thandle ${matcher} {`);
    else lines.push(`\t${matcher} path ${r.path} ${r.path}/*`, `\thandle ${matcher} {`);
    const serve = [...(r.path === '/' ? [] : [`uri strip_prefix ${r.path}`]), ...reverseProxy(r.function, '')];
    lines.push(...withAuth(r.auth, `${matcher.slice(1)}_key`, serve, '\t\t'), '\t}');
  });
  if (hasBasic(routes.map((r) => r.auth))) lines.push('', ...AUTH_ERRORS.map((l) => `\t${l}`));
  lines.push('', ...NOT_FOUND);
  return lines;
}

/** Fills in the health answer's routes version: a hash of the text around it (every site's the same). */
const withVersion = (text: string): string =>
  text.replaceAll(VERSION_SLOT, createHash('sha256').update(text).digest('hex').slice(0, 12));

/** The routes: compose/caddy/Caddyfile. */
export function renderCaddyfile(plan: StackPlan): string {
  checkRoutes(plan);
  const tls = plan.proxy.tls;
  if (tls) {
    const parts = {
      httpListen: PROXY_LISTEN_PORT,
      log: siteLog(plan),
      health: HEALTH_HANDLER,
      notFound: NOT_FOUND,
      body: (routes: readonly PlannedRoute[]) => siteBody(plan, routes),
    };
    const text = [
      HEADER,
      ...globalOptions(undefined, httpsGlobalOptions(tls, PROXY_LISTEN_PORT)),
      ...httpsSites(plan, tls, parts),
    ];
    return withVersion(`${text.join('\n')}\n`);
  }
  const lines = [
    HEADER,
    ...globalOptions(),
    '',
    // Without TLS exactly one site, so one server: the proxy needs no other,
    // and Caddy 2.6.2 could leave a failed reload's first server half-started
    // beside the old config when a second one failed to bind (see caddyfile-tls.ts).
    `:${PROXY_LISTEN_PORT} {`,
    ...siteBody(plan, plan.routes),
    '}',
  ];
  return withVersion(`${lines.join('\n')}\n`);
}

/**
 * The functions' own ports: compose/caddy/ports.Caddyfile, served by the `ports`
 * service. Each function's port balances over its replicas exactly like its
 * routes do, so it keeps answering through scaling and rolling updates. This
 * config changes only with the set of functions and ports, and the ports service
 * is then recreated (Docker publishes ports per container), never reloaded. It
 * listens on the functions' host port numbers inside its container too, so any
 * port a function may have is free there; its health is Caddy's admin API.
 */
export function renderPortsCaddyfile(plan: StackPlan): string {
  const lines = [HEADER, ...globalOptions('WARN')];
  for (const s of [...plan.services].sort((a, b) => a.port - b.port)) {
    assertFunctionName(s.name);
    assertPort(s.port);
    const errors = hasBasic([s.auth]) ? ['', ...AUTH_ERRORS.map((l) => `\t${l}`)] : [];
    lines.push(
      '',
      `# ${s.name}${s.auth ? ' (auth: the credentials of its routes)' : ''}`,
      `:${s.port} {`,
      ...accessLog(plan, hasKeys([s.auth])),
      ...withAuth(s.auth, 'key', reverseProxy(s.name, ''), '\t'),
      ...errors,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}
