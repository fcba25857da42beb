// The value rules of faaso.yml, shared by the validator and
// schemas/faaso.schema.json (a unit test keeps the schema's patterns and
// limits equal to these).
import type { Limits, Target } from '../types.ts';

export const STACK_FILE = 'faaso.yml';

/** The fields faaso.yml may have, at each level; anything else is a typo and an error. */
export const STACK_KEYS: readonly string[] = ['target', 'routes', 'proxy', 'bind', 'registry', 'functions'];

export const TARGETS: readonly Target[] = ['compose', 'swarm'];
export const PROXY_KEYS: readonly string[] = ['port', 'access_log', 'memory', 'cpus', 'pids', 'tls'];
export const DEPLOY_KEYS: readonly string[] = [
  'port',
  'env',
  'memory',
  'cpus',
  'pids',
  'replicas',
  'update',
  'schedule',
];
export const UPDATE_KEYS: readonly string[] = ['parallelism'];

/** Loopback by default: nothing is reachable from other machines unless the user says so. */
export const DEFAULT_BIND = '127.0.0.1';
export const DEFAULT_PROXY_PORT = 8080;
export const DEFAULT_LIMITS: Readonly<Limits> = { memory: '256m', cpus: 1, pids: 256 };

/**
 * A route path: "/" then one or more segments of URL-safe unreserved
 * characters (RFC 3986), no "." or ".." segments, no trailing "/". The same
 * text ends up in Caddyfile matchers, so nothing here needs quoting there.
 */
export const ROUTE_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)+$/;

/**
 * The proxy's own endpoints live under /__faaso (e.g. /__faaso/health). Caddy's
 * path matcher ignores case, so the reservation does too; written without the
 * `i` flag so the JSON Schema can use the same pattern.
 */
export const RESERVED_PATH_PATTERN = '^/__[Ff][Aa][Aa][Ss][Oo]';
export const RESERVED_PATH = new RegExp(RESERVED_PATH_PATTERN);

/** Dotted-quad IPv4 without leading zeros (which some parsers read as octal). */
export const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** Docker memory sizes, lower-case unit required (what `docker run -m` prints back). */
export const MEMORY = /^[0-9]+[kmg]$/;
/** Below this a runtime cannot even start; docker's own floor is 6m. */
export const MEMORY_MIN_MB = 16;
/**
 * 1 TiB: far above any host this runs on, and far below what overflows
 * Docker's int64 byte count (a "99999999999g" would be refused at `up`, not here).
 */
export const MEMORY_MAX_MB = 1024 * 1024;

export const CPUS_MIN = 0.05;
export const CPUS_MAX = 64;
/** Docker counts nano-CPUs: a quota with more decimals is "too precise" for it. */
export const CPUS_DECIMALS_MAX = 9;
export const PIDS_MIN = 16;
export const PIDS_MAX = 65536;

/**
 * Replicas of one function on one machine. Each is a container (12-20 MB idle
 * for the examples); past a few dozen a function wants more machines (Swarm),
 * not more copies on one.
 */
export const REPLICAS_MIN = 1;
export const REPLICAS_MAX = 32;
/** Replicas a rolling update replaces at a time (update.parallelism), default 1. */
export const DEFAULT_PARALLELISM = 1;

/** The compose service of faaso's Caddy proxy (the routes). */
export const PROXY_SERVICE = 'proxy';
/** The compose service that serves every function's own port. */
export const PORTS_SERVICE = 'ports';
/** On Swarm, the service that hands the proxies their routes (render/swarm-routes.ts). */
export const ROUTES_SERVICE = 'proxy-routes';
/** Service names faaso uses itself; a function cannot be called this. */
export const RESERVED_SERVICE_NAMES: readonly string[] = [PORTS_SERVICE, PROXY_SERVICE, ROUTES_SERVICE];

/** "/sum/" and "/SUM" are the same route to Caddy: one key per route. */
export function routeKey(path: string): string {
  return path.replace(/\/+$/, '').toLowerCase();
}

/** Why a route path is malformed or reserved, or undefined when it is fine. */
export function routePathProblem(path: string): string | undefined {
  if (path === '') return 'a route path must not be empty';
  if (!path.startsWith('/')) return `must start with "/" (write "/${path}")`;
  if (/^\/+$/.test(path))
    return '"/" alone is not a route: name a prefix such as "/sum" (unknown paths get a JSON 404)';
  if (path.includes('//')) return 'must not contain "//"';
  if (path.endsWith('/'))
    return `must not end with "/" (write "${path.replace(/\/+$/, '')}": it serves its sub-paths too)`;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'must not contain "." or ".." segments';
  const odd = [...path].find((ch) => !/[A-Za-z0-9._~/-]/.test(ch));
  if (odd !== undefined) return `may only use letters, digits and . _ ~ - between "/" (got ${JSON.stringify(odd)})`;
  if (RESERVED_PATH.test(path))
    return 'paths starting with /__faaso are reserved for the proxy itself (/__faaso/health)';
  // Belt and braces: the checks above should cover everything the pattern rejects.
  if (!ROUTE_PATH.test(path)) return 'must be "/" followed by names separated by "/", e.g. "/api/sum"';
  return undefined;
}

/** Megabytes of a MEMORY string such as "256m". */
export function memoryMegabytes(size: string): number {
  const n = Number(size.slice(0, -1));
  const unit = size.slice(-1);
  return unit === 'g' ? n * 1024 : unit === 'm' ? n : n / 1024;
}
