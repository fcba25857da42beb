import type { ScheduleEntry } from './config/schedule.ts';

// Shapes shared by the runner's pure core: faaso.yml (validated) → StackPlan →
// rendered docker-compose.yml and Caddyfile.
import type { SecretRef } from '../secrets/rules.ts';

export interface Limits {
  /** Docker memory limit, e.g. "256m". */
  memory: string;
  /** CPU quota, e.g. 1 or 0.5. */
  cpus: number;
  /** Max processes/threads. */
  pids: number;
}

/** Per-function settings from faaso.yml (`functions:`), defaults applied. */
export interface FunctionDeployConfig {
  name: string;
  /** The function's own host port (on `bind`), served by faaso's port listener. */
  port: number;
  env: Record<string, string>;
  limits: Limits;
  /** Copies running at once (1-32). */
  replicas: number;
  /** Replicas a rolling update replaces at a time. */
  parallelism: number;
  /** Requests fired on a cron schedule by `watch` (absent: none). */
  schedule?: ScheduleEntry[];
}

/**
 * Who may call a route (faaso.yml `auth`), checked by the proxies: either kind
 * of credential lets a request through. `S` is a secret's name in the config,
 * and the name with its stamp in the plan (the stamp names the files the
 * proxies read, so a new value is a new file).
 */
export interface RouteAuth<S = string> {
  /** Secrets whose values are accepted as `Authorization: Bearer KEY` or `X-API-Key: KEY`, by name. */
  apiKeys: S[];
  /** Users and the secret holding each one's password, by user. */
  basic: { user: string; secret: S }[];
}

/**
 * How the proxy gets its certificate (faaso.yml proxy.tls): acme — Caddy's
 * automatic HTTPS from a public CA; internal — Caddy's own CA (LAN, offline);
 * files — the user's certificate and key, mounted read-only.
 */
export type TlsMode = 'acme' | 'internal' | 'files';

/** A certificate or key file of the user's: its path as faaso.yml names it (relative to the project) and a hash of its content. */
export interface TlsFile {
  path: string;
  /** 12 hex digits of SHA-256: a changed file recreates the proxy (compose) or names a new secret (Swarm). */
  digest: string;
}

/** proxy.tls after validation. The plain HTTP port (redirect, health, ACME's HTTP challenge) is proxy.port. */
export interface TlsConfig {
  mode: TlsMode;
  /** The name clients use; its HTTPS site serves every route no host claims. */
  domain: string;
  /** Per-route hosts: each serves only its routes, sorted by host. */
  hosts: { host: string; paths: string[] }[];
  /** Host port of HTTPS (default 443). */
  httpsPort: number;
  /** Strict-Transport-Security on every HTTPS answer (default true). */
  hsts: boolean;
  /** mode files only. */
  cert?: TlsFile;
  key?: TlsFile;
}

export interface Route {
  /** "/sum": serves /sum and /sum/... with the prefix stripped. */
  path: string;
  function: string;
  auth?: RouteAuth;
}

/** A route as the proxies serve it: its auth with the versions of its secrets. */
export interface PlannedRoute {
  path: string;
  function: string;
  auth?: RouteAuth<SecretRef>;
}

/** faaso.yml after validation. */
/** Where the stack runs: one Docker engine with compose (the default), or a Docker Swarm. */
export type Target = 'compose' | 'swarm';

export interface StackConfig {
  /** faaso.yml path as shown to users. */
  file: string;
  target: Target;
  /** Address published ports bind to (default 127.0.0.1). */
  bind: string;
  /** accessLog: false turns Caddy's per-request log off (absent = on); limits absent = DEFAULT_LIMITS; tls absent = plain HTTP. */
  proxy: { port: number; accessLog?: boolean; limits?: Limits; tls?: TlsConfig };
  registry: string;
  /** Sorted by path. */
  routes: Route[];
  /** Every routed function, sorted by name. */
  functions: FunctionDeployConfig[];
}

/** One function service as it will run. */
export interface ServicePlan {
  name: string;
  /** Pinned content tag, e.g. 127.0.0.1:5000/sum:ffeb9d46819f */
  image: string;
  hash: string;
  port: number;
  env: Record<string, string>;
  limits: Limits;
  /** Exec-form health command from the function's template. */
  healthcheck: string[];
  /** Route paths served by this function, sorted. */
  paths: string[];
  replicas: number;
  parallelism: number;
  /** Secrets mounted at /run/secrets/NAME (function.yml `secrets`), by name; absent: none. */
  secrets?: SecretRef[];
  /** What its own port asks of a caller: every credential any of its routes accepts (absent: none). */
  auth?: RouteAuth<SecretRef>;
}

export interface StackPlan {
  /** compose: one engine; swarm: `docker stack deploy` (images by digest). */
  target: Target;
  /** Compose project name (the stack's name on Swarm). */
  project: string;
  bind: string;
  proxy: { port: number; image: string; accessLog?: boolean; limits?: Limits; tls?: TlsConfig };
  services: ServicePlan[];
  routes: PlannedRoute[];
  /**
   * This stack's deploy folder (absolute, on the machine running faaso): the
   * functions' copies of their secrets, and `proxy/`, mounted read-only into
   * the proxies at /run/faaso/auth (API keys and bcrypt hashes) when a route
   * has auth. Absent only in plans that use no secret.
   */
  secretsDir?: string;
}
