// The proxy bench's Caddy side by side (pure): Debian trixie's Caddy 2.6.2 in a
// bench-only image against faaso's own image (forky's 2.11), each with the
// proxy's real Caddyfiles, on the bench stack's network: throughput over HTTP
// and HTTPS, reload times, and reloads of a multi-site config that fails to
// start, after which fresh connections must still reach the old config.
import path from 'node:path';
import { HARDENED_FLAGS } from '../../src/docker/argv.ts';
import { REPO_ROOT } from '../../src/settings.ts';
import { DEFAULT_LIMITS } from '../../src/stack/config/rules.ts';
import { caddyReloadArgv } from '../../src/stack/argv.ts';
import { CADDY_CONFIG_DIR, caddyRun, PROXY_DNS_OPTIONS } from '../../src/stack/render/shared.ts';
import { PROXY_LISTEN_PORT } from '../../src/stack/render/caddyfile.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';

/** The bench-only image: built in the bench, removed after it. */
export const CADDY262_IMAGE = `${BENCH_PROJECT}-caddy262:bench`;

/** faaso's proxy entrypoint (it relays the access log to stdout), in both versions' images. */
export const CADDY_ENTRYPOINT = path.join(REPO_ROOT, 'images', 'caddy', 'faaso-proxy');

/**
 * Trixie's own package, hardened like faaso's image (the binary copied to drop
 * any file capability; uid 10001; XDG dirs on the tmpfs; the same entrypoint).
 * No forky source.
 */
export const CADDY262_DOCKERFILE = `FROM debian:trixie-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends caddy \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* \\
 && caddy version | grep -q '^v\\?2\\.6\\.' \\
 && cp /usr/bin/caddy /usr/bin/caddy.nocaps && mv -f /usr/bin/caddy.nocaps /usr/bin/caddy
COPY faaso-proxy /usr/local/bin/faaso-proxy
RUN chmod 755 /usr/local/bin/faaso-proxy
ENV XDG_CONFIG_HOME=/tmp/caddy-config XDG_DATA_HOME=/tmp/caddy-data
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/faaso-proxy"]
`;

export interface CaddyVersion {
  /** Short key: "2.6.2" images are called by their role until `caddy version` names them. */
  key: 'trixie' | 'faaso';
  image: string;
  container: string;
  httpPort: number;
  httpsPort: number;
}

/** 18110-18113: inside the proxy bench's 18100-18199. */
export function versions(faasoImage: string): CaddyVersion[] {
  return [
    {
      key: 'trixie',
      image: CADDY262_IMAGE,
      container: `${BENCH_PROJECT}-caddy-trixie`,
      httpPort: 18110,
      httpsPort: 18111,
    },
    { key: 'faaso', image: faasoImage, container: `${BENCH_PROJECT}-caddy-faaso`, httpPort: 18112, httpsPort: 18113 },
  ];
}

/** The HTTPS site's name: wrk sends the URL's host as SNI, and localhost resolves here without DNS. */
export const HTTPS_NAME = 'localhost';

/** The bench stack's plan with proxy.tls internal on `httpsPort`, as faaso would render it. */
export function httpsPlan(plan: StackPlan, httpsPort: number): StackPlan {
  return {
    ...plan,
    proxy: { ...plan.proxy, tls: { mode: 'internal', domain: HTTPS_NAME, hosts: [], httpsPort, hsts: true } },
  };
}

/** A multi-site config that validates but cannot start: every site answers "new", and a third cannot bind. */
export function failingConfig(https: string): string {
  const marked = https.replaceAll('respond "ok" 200', 'respond "new" 200');
  if (marked === https) throw new Error('bench: the HTTPS Caddyfile has no health endpoint to mark');
  return `${marked}\n:8081 {\n\tbind 192.0.2.1\n\trespond "x" 200\n}\n`;
}

export interface VersionSettings {
  rounds: number;
  durationSec: number;
  /** An unmeasured run through each proxy first: DNS lookups, upstream connections and TLS sessions settle. */
  warmupSec: number;
  connections: number;
  reloads: number;
  failedReloads: number;
  /** Fresh connections per protocol after each failed reload. */
  probes: number;
}

export function versionSettings(
  quick: boolean,
  base: { rounds: number; durationSec: number; warmupSec: number; connections: number },
) {
  return {
    // Two proxies on a shared 2-core host drift by ±20 % between runs: more pairs than the rest of the bench.
    rounds: quick ? base.rounds : Math.max(base.rounds, 5),
    durationSec: base.durationSec,
    warmupSec: base.warmupSec,
    connections: base.connections,
    reloads: quick ? 3 : 10,
    // Caddy starts a config's servers in map order: how many start before the one that fails is chance, per attempt.
    failedReloads: quick ? 5 : 10,
    probes: quick ? 5 : 20,
  } satisfies VersionSettings;
}

/** Both versions in turn, which goes first alternating per round: drift on a noisy host hits both. */
export const turns = <T>(items: readonly T[], round: number): T[] =>
  round % 2 === 0 ? [...items] : [...items].reverse();

/** The route the throughput runs take: the fastest function's /ping through its route (the proxy's cost shows most). */
export function pingRoute(plan: StackPlan): string {
  const order = ['hello', 'multiply', 'sum'];
  const route = [...plan.routes].sort((a, b) => order.indexOf(a.function) - order.indexOf(b.function))[0];
  if (!route) throw new Error('bench: the stack has no route');
  return `${route.path}/ping`;
}

/** The Caddyfiles in the bench's config folder (mounted read-only where faaso mounts its own). */
export const CONFIGS = {
  http: 'http.Caddyfile',
  https: (key: string) => `https-${key}.Caddyfile`,
  failing: 'failing.Caddyfile',
};

export interface ProxyContainer {
  name: string;
  network: string;
  /** [host port on 127.0.0.1, container port] */
  ports: [number, number][];
  /** [host folder, container folder], mounted read-only */
  mount: [string, string];
  image: string;
  command: string[];
  /** More `docker run` options, before the image. */
  options?: string[];
}

/** A bench proxy container, hardened and limited as faaso runs its own (proxy defaults), on the bench stack's network. */
export function limitedProxyArgv(c: ProxyContainer): string[] {
  return [
    'docker',
    'run',
    '-d',
    '--name',
    c.name,
    '--network',
    c.network,
    '--cpus',
    String(DEFAULT_LIMITS.cpus),
    '--memory',
    DEFAULT_LIMITS.memory,
    '--pids-limit',
    String(DEFAULT_LIMITS.pids),
    ...PROXY_DNS_OPTIONS.flatMap((o) => ['--dns-opt', o]),
    ...HARDENED_FLAGS,
    '--init',
    ...c.ports.flatMap(([host, port]) => ['-p', `127.0.0.1:${host}:${port}`]),
    '-v',
    `${c.mount[0]}:${c.mount[1]}:ro`,
    ...(c.options ?? []),
    c.image,
    ...c.command,
  ];
}

/** A Caddy of one version with the bench stack's routes. */
export const proxyContainerArgv = (v: CaddyVersion, dir: string, network: string): string[] =>
  limitedProxyArgv({
    name: v.container,
    network,
    ports: [
      [v.httpPort, PROXY_LISTEN_PORT],
      [v.httpsPort, 8443],
    ],
    mount: [dir, CADDY_CONFIG_DIR],
    image: v.image,
    command: caddyRun(CONFIGS.http),
  });

const TIME_MARK = 'faaso-seconds';

/**
 * `caddy reload` of one config inside the proxy, or (file undefined) `caddy
 * version`: how long the CLI itself takes to start, which every reload pays.
 * Timed by bash there, so no `docker exec` is in the figure.
 */
export const timedCaddyArgv = (container: string, file?: string): string[] => [
  'docker',
  'exec',
  container,
  'bash',
  '-c',
  `TIMEFORMAT='${TIME_MARK} %R'; time caddy ${file === undefined ? 'version' : `reload --force --config ${CADDY_CONFIG_DIR}/${file} --adapter caddyfile`}`,
];

/** The seconds bash printed, as ms; NaN when absent. */
export function reloadMs(stderr: string): number {
  const m = new RegExp(`^${TIME_MARK} ([0-9.]+)$`, 'm').exec(stderr);
  return m ? Number(m[1]) * 1000 : NaN;
}

/** A plain `caddy reload` of the failing config (its error is Caddy's message). */
export const failingReloadArgv = (container: string): string[] =>
  caddyReloadArgv(container, { config: `${CADDY_CONFIG_DIR}/${CONFIGS.failing}` });

export const caddyVersionArgv = (container: string): string[] => ['docker', 'exec', container, 'caddy', 'version'];

/** "v2.11.4 h1:…" or "2.6.2" → "2.11.4". */
export const versionOf = (stdout: string): string => (stdout.trim().split(/\s+/)[0] ?? '').replace(/^v/, '');
