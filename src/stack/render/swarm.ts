// StackPlan → compose/stack.yml for `docker stack deploy`: the same services as
// the compose file (shared.ts), in the shape Swarm applies. Pure.
//
// What differs, and why:
// - limits and replicas live under `deploy:` (stack deploy rejects mem_limit
//   and cpus, and ignores `scale`);
// - every service is `endpoint_mode: dnsrr`: the kernels faaso meets may have
//   no IPVS, and the proxies balance over the tasks themselves (Docker DNS);
// - ports are published in host mode on every node (no routing mesh), so the
//   two proxies run `mode: global` — one per node, each serving every route;
// - /tmp is a tmpfs *volume* (stack deploy drops `tmpfs:` without a word);
// - the configs are Swarm configs named by their content; the routes reach
//   the proxies without a restart (swarm-routes.ts), while a change of the
//   functions' ports restarts the ports listener node by node;
// - images are pinned by digest (prepare.ts resolves them), so every node runs
//   the same bytes;
// - Swarm ignores security_opt: `no-new-privileges` is lost (`up` says so once);
// - the stack schema has no dns_opt: a task's resolver options are its node's
//   (/etc/resolv.conf `options`, which Docker copies; README says what to set).
import { createHash } from 'node:crypto';
import { STOP_GRACE_SECONDS } from '../../function/contract.ts';
import { PORTS_SERVICE, PROXY_SERVICE, ROUTES_SERVICE } from '../config/rules.ts';
import type { Limits, ServicePlan, StackPlan } from '../types.ts';
import { PORTS_CADDYFILE, PROXY_LISTEN_PORT, renderPortsCaddyfile } from './caddyfile.ts';
import { portsFingerprint, serviceFingerprint, swarmProxyFingerprint } from './fingerprint.ts';
import {
  CADDY_CONFIG_DIR,
  CADDY_ENVIRONMENT,
  caddyRun,
  environment,
  FUNCTION_HEALTH_COMMAND,
  GENERATED_HEADER,
  HEALTHCHECK_TIMING,
  logging,
  NETWORK,
  PORTS_HEALTH_COMMAND,
  portList,
  PROXY_HEALTH_COMMAND,
  proxyLimits,
  ROUTES_HEALTH_COMMAND,
  sortedServices,
} from './shared.ts';
import {
  BOOTSTRAP_JSON,
  bootstrapJson,
  CONTROL_NETWORK,
  ROUTES_JSON,
  ROUTES_PORT,
  ROUTES_ROOT,
} from './swarm-routes.ts';
import { toYaml } from './yaml.ts';

/** compose/stack.yml, beside docker-compose.yml's place; the Caddyfiles stay in compose/caddy/. */
export const STACK_YML = 'stack.yml';

/** What Swarm cannot apply that the compose file does: said once by `up`, never silently dropped. */
export const SWARM_LOSSES = ['no-new-privileges (Swarm ignores security_opt)'] as const;

/**
 * How long Swarm watches an updated task before it counts the update as
 * successful; a task that fails within it rolls the whole service back.
 * A task only counts as running once its healthcheck passes.
 */
export const UPDATE_MONITOR = '5s';

/** A config's name in the Swarm: stack, role and content hash (configs are immutable; a new text is a new config). */
export function configName(project: string, role: 'bootstrap' | 'routes' | 'ports', text: string): string {
  return `${project}_${role}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/** Swarm's limits: memory as bytes-with-unit, CPUs as a string (the stack schema wants one), pids. */
const resources = (l: Limits): Record<string, unknown> => ({
  limits: { memory: l.memory.toUpperCase(), cpus: String(l.cpus), pids: l.pids },
});

/** Read-only root, no capabilities, /tmp as tmpfs, rotated logs — what Swarm applies of the compose hardening. */
const hardening = (): Record<string, unknown> => ({
  init: true,
  read_only: true,
  cap_drop: ['ALL'],
  volumes: [{ type: 'tmpfs', target: '/tmp' }],
  logging: logging(),
});

/** A failed task is started again after 1 s (Swarm's default waits 5 s). */
const RESTART_POLICY = { condition: 'any', delay: '1s' } as const;

function functionService(s: ServicePlan): Record<string, unknown> {
  const env = environment(s);
  const batch = Math.max(1, Math.min(s.parallelism, s.replicas));
  return {
    image: s.image,
    ...(env ? { environment: env } : {}),
    healthcheck: { test: ['CMD', 'bash', '-c', FUNCTION_HEALTH_COMMAND], ...HEALTHCHECK_TIMING },
    stop_grace_period: `${STOP_GRACE_SECONDS}s`,
    ...hardening(),
    networks: [NETWORK],
    deploy: {
      replicas: s.replicas,
      endpoint_mode: 'dnsrr',
      labels: {
        'faaso.config': serviceFingerprint(s),
        'faaso.function': s.name,
        'faaso.hash': s.hash,
        'faaso.role': 'function',
      },
      resources: resources(s.limits),
      restart_policy: { ...RESTART_POLICY },
      // The new task answers before an old one stops (as compose `up` does it); a failure rolls back.
      update_config: { parallelism: batch, order: 'start-first', failure_action: 'rollback', monitor: UPDATE_MONITOR },
      rollback_config: { parallelism: batch, order: 'start-first' },
    },
  };
}

interface CaddyRole {
  command: string[];
  /** The Swarm config it reads, and where. */
  config: string;
  target: string;
  health: string;
  /** [published, target] pairs, in host mode on every node. */
  ports: number[][];
  networks: string[];
  labels: Record<string, string>;
  /**
   * A node's published port belongs to one task at a time: a service that
   * publishes stops its old task before starting the new one, node by node.
   */
  order: 'stop-first' | 'start-first';
  /** One task in the whole Swarm instead of one per node. */
  single?: boolean;
}

/** faaso's Caddy image on every node: the proxy, the ports listener, proxy-routes. */
function caddyService(plan: StackPlan, r: CaddyRole): Record<string, unknown> {
  return {
    image: plan.proxy.image,
    command: r.command,
    environment: { ...CADDY_ENVIRONMENT },
    configs: [{ source: r.config, target: r.target }],
    healthcheck: { test: ['CMD', 'bash', '-c', r.health], ...HEALTHCHECK_TIMING },
    ...(r.ports.length > 0
      ? { ports: r.ports.map(([published, target]) => ({ target, published, protocol: 'tcp', mode: 'host' })) }
      : {}),
    ...hardening(),
    networks: r.networks,
    deploy: {
      ...(r.single ? { replicas: 1 } : { mode: 'global' }),
      endpoint_mode: 'dnsrr',
      labels: r.labels,
      resources: resources(proxyLimits(plan)),
      restart_policy: { ...RESTART_POLICY },
      update_config: { parallelism: 1, order: r.order, failure_action: 'rollback', monitor: UPDATE_MONITOR },
      rollback_config: { parallelism: 1, order: r.order },
    },
  };
}

/**
 * The stack file. `routes` is routes.json (render/swarm-routes.ts: Caddy's JSON
 * of the routes Caddyfile), which proxy-routes serves to the proxies.
 */
export function renderSwarmStack(plan: StackPlan, routes: string): string {
  const names = {
    bootstrap: configName(plan.project, 'bootstrap', bootstrapJson()),
    routes: configName(plan.project, 'routes', routes),
    ports: configName(plan.project, 'ports', renderPortsCaddyfile(plan)),
  };
  const services: Record<string, unknown> = {};
  for (const s of sortedServices(plan)) services[s.name] = functionService(s);
  services[PROXY_SERVICE] = caddyService(plan, {
    command: ['caddy', 'run', '--config', `${CADDY_CONFIG_DIR}/${BOOTSTRAP_JSON}`],
    config: 'bootstrap',
    target: `${CADDY_CONFIG_DIR}/${BOOTSTRAP_JSON}`,
    health: PROXY_HEALTH_COMMAND,
    ports: [[plan.proxy.port, PROXY_LISTEN_PORT]],
    networks: [NETWORK, CONTROL_NETWORK],
    labels: { 'faaso.config': swarmProxyFingerprint(plan, names.bootstrap), 'faaso.role': 'proxy' },
    order: 'stop-first',
  });
  services[PORTS_SERVICE] = caddyService(plan, {
    command: caddyRun(PORTS_CADDYFILE),
    config: 'ports',
    target: `${CADDY_CONFIG_DIR}/${PORTS_CADDYFILE}`,
    health: PORTS_HEALTH_COMMAND,
    ports: portList(plan).map(([, port]) => [port, port]),
    networks: [NETWORK],
    labels: { 'faaso.config': portsFingerprint(plan), 'faaso.role': 'ports' },
    order: 'stop-first',
  });
  services[ROUTES_SERVICE] = caddyService(plan, {
    command: ['caddy', 'file-server', '--root', ROUTES_ROOT, '--listen', `:${ROUTES_PORT}`],
    config: 'routes',
    target: `${ROUTES_ROOT}/${ROUTES_JSON}`,
    health: ROUTES_HEALTH_COMMAND,
    ports: [],
    networks: [CONTROL_NETWORK],
    labels: { 'faaso.config': names.routes, 'faaso.role': 'routes' },
    // One task, replaced stop-first: the proxies never see old and new routes side
    // by side (they would load one, then the other). While it is replaced they keep
    // the routes they have; its node lost, Swarm starts it on another.
    order: 'stop-first',
    single: true,
  });
  const stack = {
    version: '3.9',
    services,
    networks: { [NETWORK]: { driver: 'overlay' }, [CONTROL_NETWORK]: { driver: 'overlay' } },
    configs: {
      bootstrap: { file: `./caddy/${BOOTSTRAP_JSON}`, name: names.bootstrap },
      ports: { file: `./caddy/${PORTS_CADDYFILE}`, name: names.ports },
      routes: { file: `./caddy/${ROUTES_JSON}`, name: names.routes },
    },
  };
  return `${GENERATED_HEADER}\n${toYaml(stack)}`;
}
