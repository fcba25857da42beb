// Pure argv builders for the stack's compose and container commands.
import path from 'node:path';
import { HARDENED_FLAGS } from '../docker/argv.ts';
import { PORTS_CADDYFILE, ROUTES_CADDYFILE } from './render/caddyfile.ts';
import { CADDY_CONFIG_DIR } from './render/shared.ts';

export interface ComposeTarget {
  /** Folder holding docker-compose.yml, .env and caddy/. */
  dir: string;
  /** Compose project name. */
  project: string;
}

export const COMPOSE_FILE = 'docker-compose.yml';

/** `docker compose` pinned to our file and project, whatever the cwd or COMPOSE_* env says. */
export function compose(t: ComposeTarget, ...args: string[]): string[] {
  return ['docker', 'compose', '-f', path.join(t.dir, COMPOSE_FILE), '-p', t.project, ...args];
}

/**
 * Brings a function's service to `scale` containers without touching the ones
 * that run (even when the file now says another config): the new replicas of a
 * rolling update start beside the old ones. No --wait: faaso polls their /ping.
 */
export function composeScale(t: ComposeTarget, service: string, scale: number): string[] {
  return compose(t, 'up', '-d', '--no-deps', '--no-recreate', '--scale', `${service}=${scale}`, service);
}

/** Recreates one of the proxies from the file and waits until it is healthy. */
export function composeRecreate(t: ComposeTarget, service: string, waitSeconds = 120): string[] {
  return compose(
    t,
    'up',
    '-d',
    '--no-deps',
    '--force-recreate',
    '--wait',
    '--wait-timeout',
    String(waitSeconds),
    service,
  );
}

/**
 * Services started without waiting on their depends_on conditions (the compose
 * file makes plain `docker compose up` start the proxies once the functions are
 * healthy; faaso starts them together and polls /ping itself).
 */
export function composeUpServices(t: ComposeTarget, services: readonly string[]): string[] {
  return compose(t, 'up', '-d', '--no-deps', '--remove-orphans', ...services);
}

export function composeDown(t: ComposeTarget): string[] {
  return compose(t, 'down', '--remove-orphans', '--timeout', '5');
}

export interface LogsOptions {
  follow: boolean;
  tail: number;
  /** Docker's --since: a duration (10m, 1h30m) or a time (RFC 3339, Unix seconds). */
  since?: string;
  /** Let compose colour each service's prefix (only for a terminal: compose cannot tell through faaso's pipe). */
  color?: boolean;
}

/** Logs of some services (none named: every service), each line prefixed by compose with its replica (sum-2 | …). */
export function composeLogs(t: ComposeTarget, services: readonly string[], o: LogsOptions): string[] {
  const argv = compose(t, ...(o.color ? ['--ansi', 'always'] : []), 'logs', ...(o.color ? [] : ['--no-color']));
  argv.push('--tail', String(o.tail), ...(o.since ? ['--since', o.since] : []), ...(o.follow ? ['--follow'] : []));
  return [...argv, ...services];
}

/** One container's raw log from a time on (Unix seconds: Docker's own filter), e.g. the proxy's access log. */
export function containerLogsSince(container: string, sinceMs: number, follow: boolean): string[] {
  const since = String(Math.floor(sinceMs / 1000));
  return ['docker', 'logs', '--since', since, ...(follow ? ['--follow'] : []), container];
}

/** Every container of the project, for one `docker inspect` call. */
export function listProjectContainers(project: string): string[] {
  return ['docker', 'ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`];
}

export function inspectContainers(ids: readonly string[]): string[] {
  return ['docker', 'inspect', ...ids];
}

/** Where each proxy reads its Caddyfile: the generated caddy/ folder is mounted read-only on CADDY_CONFIG_DIR. */
export const caddyfileInContainer = (service: 'proxy' | 'ports'): string =>
  `${CADDY_CONFIG_DIR}/${service === 'proxy' ? ROUTES_CADDYFILE : PORTS_CADDYFILE}`;

/**
 * Validate inside the running proxy, or in a throwaway container of the proxy
 * image with `mounts` (`-v` pairs: the user's certificate files, which Caddy
 * loads to validate a config naming them, and the auth files basic_auth reads).
 */
export type CaddyTarget = { container: string } | { image: string; mounts?: readonly string[] };

/**
 * `caddy validate` (or `caddy adapt`: the JSON Caddy makes of it) of a
 * Caddyfile read from stdin: `--config /dev/stdin` is read like a file, so
 * nothing is written anywhere.
 */
export function caddyValidateArgv(target: CaddyTarget, verb: 'validate' | 'adapt' = 'validate'): string[] {
  const caddy = ['caddy', verb, '--config', '/dev/stdin', '--adapter', 'caddyfile'];
  if ('container' in target) return ['docker', 'exec', '-i', target.container, ...caddy];
  // Same hardening as the proxy itself, and no network: validation needs none.
  const mounts = target.mounts ?? [];
  return ['docker', 'run', '--rm', '-i', '--network', 'none', ...HARDENED_FLAGS, ...mounts, target.image, ...caddy];
}

/** Prints a file of a running container (the internal CA's root certificate: public, never its key). */
export const catInContainer = (container: string, file: string): string[] => ['docker', 'exec', container, 'cat', file];

/** `caddy reload` inside a running proxy: the routes' Caddyfile unless `config` names another file in the container. */
export function caddyReloadArgv(container: string, opts: { force?: boolean; config?: string } = {}): string[] {
  const argv = [
    'docker',
    'exec',
    container,
    'caddy',
    'reload',
    '--config',
    opts.config ?? caddyfileInContainer('proxy'),
    '--adapter',
    'caddyfile',
  ];
  // Without --force, Caddy skips a reload whose config is unchanged.
  if (opts.force) argv.push('--force');
  return argv;
}
