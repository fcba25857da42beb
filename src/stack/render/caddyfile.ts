// StackPlan → Caddyfile for faaso's proxy (Debian's Caddy 2.6.2). Pure and
// deterministic: same plan, same bytes, already in `caddy fmt` layout (tabs) so
// `caddy validate` has nothing to warn about. Every value that lands in the text
// is checked against a strict pattern first, so no route or name can smuggle
// Caddyfile syntax (braces, quotes, spaces, newlines) into the config.
import { FUNCTION_PORT } from '../../function/contract.ts';
import type { StackPlan } from '../types.ts';

/** Port the proxy listens on inside its container (published as proxy.port). */
export const PROXY_LISTEN_PORT = 8080;
/** Admin API: loopback inside the proxy container only, never published. */
export const PROXY_ADMIN = 'localhost:2019';
/** The proxy's own health endpoint (image HEALTHCHECK and compose healthcheck). */
export const PROXY_HEALTH_PATH = '/__faaso/health';

export interface CaddyfileOptions {
  /**
   * Per function, the upstreams to use instead of `<function>:3000`, e.g. during a
   * redeploy `["faaso-standby-sum:3000", "sum:3000"]`. Order matters: the first
   * healthy upstream takes all traffic, the others are fallbacks (lb_policy first).
   */
  upstreams?: Record<string, string[]>;
}

// Same character set the faaso.yml loader allows; no `*`, so a route is always a literal prefix.
const PATH_RE = /^\/[A-Za-z0-9._~/-]*$/;
const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// host:port of a container on the compose network (compose v1 names use `_`).
const UPSTREAM_RE = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,253}[A-Za-z0-9])?:([1-9][0-9]{0,4})$/;

export function assertRoutePath(p: string): void {
  if (!PATH_RE.test(p)) throw new Error(`caddyfile: route path ${JSON.stringify(p)} must match ${PATH_RE}`);
  if (p !== '/' && p.endsWith('/')) throw new Error(`caddyfile: route path ${JSON.stringify(p)} must not end with /`);
  if (
    p
      .split('/')
      .slice(1)
      .some((seg) => seg === '' || seg === '.' || seg === '..') &&
    p !== '/'
  ) {
    throw new Error(`caddyfile: route path ${JSON.stringify(p)} has an empty, . or .. segment`);
  }
  const lower = p.toLowerCase();
  if (lower === '/__faaso' || lower.startsWith('/__faaso/'))
    throw new Error(`caddyfile: route path ${JSON.stringify(p)} is reserved for the proxy`);
}

export function assertFunctionName(n: string): void {
  if (!NAME_RE.test(n)) throw new Error(`caddyfile: function name ${JSON.stringify(n)} is not a DNS label`);
}

export function assertUpstream(u: string): void {
  const m = UPSTREAM_RE.exec(u);
  if (!m || Number(m[2]) > 65535) throw new Error(`caddyfile: upstream ${JSON.stringify(u)} must be host:port`);
}

/** Longest path first (so /api/v2 wins over /api), then by path for stable output. */
export function routeOrder(a: { path: string }, b: { path: string }): number {
  return b.path.length - a.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

// Why these settings (each measured against Debian's Caddy 2.6.2):
// - A restarting function (crash → restart ≈0.5 s) costs latency, not errors: dial
//   errors are retried for every method every 100 ms within lb_try_duration. After a
//   connection was made, 2.6 retries only GET (its default retry_match), so a POST
//   is never sent twice.
// - Active checks on /ping take a hung or dead instance out of rotation.
// - lb_policy first: the list order is the preference (a redeploy lists the standby
//   first, so the old container gets no new requests before it is stopped). 2.6's
//   round_robin can return "no upstreams available" under concurrency while one of
//   two upstreams is down (measured: 1750 POSTs answered 503).
// - Passive checks only when there is another upstream to steer to (the standby
//   during a redeploy). With a single upstream they would hurt: 2.6 does not retry
//   non-GET requests once every upstream is marked down ("no upstreams available",
//   caddy#5838, fixed in 2.7.5), so one restart turned >1000 POSTs into instant 503s.
//   They count proxy errors only, never status codes: a 500 from the function's own
//   handler is its answer, not a reason to take the route down.
// - Upstream keep-alive (90 s) stays below the function servers' 150 s idle timeout,
//   so Caddy, not the function, closes idle connections.
// - keepalive_idle_conns_per_host 32: without it 2.6.2 keeps Go's default of 2 idle
//   connections per upstream, so under concurrent load most requests dial a new
//   connection (and resolve the name through Docker's DNS). Measured with wrk, 32
//   connections to each example's /ping for 4 s: 500-2000 upstream connections
//   opened before, 34-83 after; Caddy's CPU per request 33-55 % lower, proxied
//   throughput 1.6-2.8× (bench/proxy.mjs measures the result).
function reverseProxy(upstreams: string[]): string[] {
  const passive = upstreams.length > 1 ? ['\t\t\tfail_duration 2s', '\t\t\tmax_fails 1'] : [];
  return [
    `\t\treverse_proxy ${upstreams.join(' ')} {`,
    '\t\t\tlb_policy first',
    '\t\t\tlb_try_duration 5s',
    '\t\t\tlb_try_interval 100ms',
    '\t\t\thealth_uri /ping',
    '\t\t\thealth_interval 1s',
    '\t\t\thealth_timeout 2s',
    ...passive,
    '\t\t\ttransport http {',
    '\t\t\t\tdial_timeout 1s',
    '\t\t\t\tkeepalive 90s',
    '\t\t\t\tkeepalive_idle_conns_per_host 32',
    '\t\t\t}',
    '\t\t}',
  ];
}

// The access log (one JSON line per request on stdout) is on unless faaso.yml says
// `proxy: {access_log: false}`. It is what users expect to see in `logs proxy`, but it
// is the largest per-request cost left in the proxy. Measured with wrk (32
// connections, side by side on one 2-core box): Caddy 140 µs of CPU per request
// without it, 178 µs with it, plus ~65 µs in dockerd and ~40 µs in containerd-shim,
// which carry every line into Docker's json-file log (~650 bytes per request, not
// rotated by default); 25 % fewer requests per second through the proxy.
// Caddy's own messages (startup, reloads, errors) go to stdout either way.
function accessLog(plan: StackPlan): string[] {
  if (plan.proxy.accessLog === false) return [];
  return ['\tlog {', '\t\toutput stdout', '\t\tformat json', '\t}', ''];
}

export function renderCaddyfile(plan: StackPlan, opts: CaddyfileOptions = {}): string {
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
  for (const [fn, list] of Object.entries(opts.upstreams ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    assertFunctionName(fn);
    if (list.length === 0) throw new Error(`caddyfile: upstreams for ${fn} is empty`);
    list.forEach(assertUpstream);
    if (new Set(list).size !== list.length) throw new Error(`caddyfile: upstreams for ${fn} repeat an entry`);
  }

  const lines = [
    '# Generated by faaso from faaso.yml: do not edit, changes are overwritten.',
    '{',
    `\tadmin ${PROXY_ADMIN}`,
    '\tauto_https off',
    // In-flight requests get this long to finish when a reload retires the old config.
    '\tgrace_period 30s',
    '\tlog {',
    '\t\toutput stdout',
    '\t\tformat json',
    '\t}',
    '\tservers {',
    '\t\ttimeouts {',
    '\t\t\tread_header 10s',
    '\t\t\tread_body 60s',
    '\t\t\tidle 2m',
    '\t\t}',
    '\t}',
    '}',
    '',
    // Exactly one site, so one server. When a reload fails to bind its second
    // server, Caddy 2.6.2 leaves the first one it started serving on the shared
    // listener with its handlers already cleaned up (503 for part of the traffic
    // until the proxy restarts). With one server a failed bind starts nothing.
    `:${PROXY_LISTEN_PORT} {`,
    ...accessLog(plan),
    `\thandle ${PROXY_HEALTH_PATH} {`,
    '\t\tskip_log',
    '\t\trespond "ok" 200',
    '\t}',
  ];

  const routes = [...plan.routes].sort(routeOrder);
  routes.forEach((r, i) => {
    const upstreams = opts.upstreams?.[r.function] ?? [`${r.function}:${FUNCTION_PORT}`];
    const matcher = `@route${i + 1}`;
    lines.push('', `\t# ${r.path} -> ${r.function}`);
    if (r.path === '/') {
      lines.push(`\t${matcher} path /*`, `\thandle ${matcher} {`);
    } else {
      lines.push(`\t${matcher} path ${r.path} ${r.path}/*`, `\thandle ${matcher} {`, `\t\turi strip_prefix ${r.path}`);
    }
    lines.push(...reverseProxy(upstreams), '\t}');
  });

  // The 404 names the path only when it is made of characters that need no JSON
  // escaping (checked by CEL on the very placeholder that is echoed); anything
  // else gets the generic message, so user input never breaks the JSON.
  lines.push(
    '',
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
    '}',
  );
  return `${lines.join('\n')}\n`;
}
