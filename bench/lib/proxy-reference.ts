// The proxy bench's floor (pure): the cheapest proxy Debian has, HAProxy, doing
// faaso's routing (path prefix stripped, the function found by its compose DNS
// name, keep-alive to it, one JSON-free access line per request to stdout like
// Caddy's log) in a bench-only container limited and hardened as faaso's proxy.
// Measured beside Caddy in the same rounds, it shows how far Caddy is from what
// a proxy hop has to cost on this machine. Never part of a user's stack.
import type { StackPlan } from '../../src/stack/types.ts';
import { FUNCTION_PORT } from '../../src/function/contract.ts';
import { PROXY_HEALTH_PATH, PROXY_LISTEN_PORT } from '../../src/stack/render/caddyfile.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';
import { limitedProxyArgv } from './proxy-versions-plan.ts';

export const HAPROXY_IMAGE = `${BENCH_PROJECT}-haproxy:bench`;
export const HAPROXY_CONTAINER = `${BENCH_PROJECT}-haproxy`;
/** Inside the proxy bench's 18100-18199. */
export const REFERENCE_PORT = 18105;
/** Where HAProxy listens in its container: the port faaso's proxy listens on. */
export const HAPROXY_LISTEN_PORT = PROXY_LISTEN_PORT;
const CONFIG_DIR = '/etc/faaso-bench';
const CONFIG_FILE = 'haproxy.cfg';

/**
 * Trixie's HAProxy (3.0): forky's 3.2 needs a libpcre2 newer than trixie has,
 * and the bench pins nothing else from forky. uid 10001, nothing written at run.
 */
export const HAPROXY_DOCKERFILE = `FROM debian:trixie-slim
RUN apt-get update \\
 && apt-get install -y --no-install-recommends haproxy \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* \\
 && haproxy -v | grep -q '^HAProxy version 3\\.'
USER 10001:10001
`;

/**
 * HAProxy's config for the plan's routes: longest prefix first, as Caddy's route
 * order; "/sum" and "/sum/…" match and lose the prefix ("/sum?a=1" → "/?a=1").
 * Upstreams are resolved through Docker's DNS (127.0.0.11), up to 4 replicas.
 */
export function haproxyConfig(plan: Pick<StackPlan, 'routes'>, opts: { accessLog: boolean }): string {
  const routes = [...plan.routes].sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path));
  const lines = [
    '# faaso proxy bench: HAProxy reference (generated, bench only)',
    'global',
    ...(opts.accessLog ? ['  log stdout format raw local0'] : []),
    '  maxconn 4096',
    'defaults',
    '  mode http',
    ...(opts.accessLog ? ['  log global', '  option httplog'] : []),
    '  option http-keep-alive',
    '  timeout connect 1s',
    '  timeout client 2m',
    '  timeout server 60s',
    '  timeout http-request 10s',
    'resolvers docker',
    '  nameserver dns 127.0.0.11:53',
    '  hold valid 1s',
    'frontend web',
    `  bind :${HAPROXY_LISTEN_PORT}`,
    `  http-request return status 200 content-type text/plain string ok if { path ${PROXY_HEALTH_PATH} }`,
  ];
  // http-request rules run before use_backend: the prefix is stripped in the backend, after routing.
  // Two acl lines of one name are ORed ("or" inside one acl line would be a pattern).
  routes.forEach((r, i) =>
    lines.push(
      `  acl route${i} path ${r.path}`,
      `  acl route${i} path_beg ${r.path}/`,
      `  use_backend fn${i} if route${i}`,
    ),
  );
  lines.push('  default_backend no_route');
  routes.forEach((r, i) => {
    lines.push(
      `backend fn${i}`,
      '  balance leastconn',
      `  http-request set-path %[path,regsub(^${r.path}/?,/)]`,
      `  server-template r 1-4 ${r.function}:${FUNCTION_PORT} resolvers docker init-addr none resolve-prefer ipv4`,
    );
  });
  lines.push(
    'backend no_route',
    `  http-request return status 404 content-type application/json string '{"error":"no route"}'`,
  );
  return `${lines.join('\n')}\n`;
}

/** The reference container on the bench stack's network, config folder mounted read-only. */
export const haproxyContainerArgv = (dir: string, network: string): string[] =>
  limitedProxyArgv({
    name: HAPROXY_CONTAINER,
    network,
    ports: [[REFERENCE_PORT, HAPROXY_LISTEN_PORT]],
    mount: [dir, CONFIG_DIR],
    image: HAPROXY_IMAGE,
    command: ['haproxy', '-db', '-f', `${CONFIG_DIR}/${CONFIG_FILE}`],
  });

export const HAPROXY_CONFIG_FILE = CONFIG_FILE;

/** A container's IPv4 address on one network. */
export const containerAddressArgv = (id: string, network: string): string[] => [
  'docker',
  'inspect',
  '--format',
  `{{with index .NetworkSettings.Networks ${JSON.stringify(network)}}}{{.IPAddress}}{{end}}`,
  id,
];
