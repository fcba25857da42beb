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
// - the Caddyfiles are Swarm configs named by their content: a changed
//   Caddyfile is a new config, and the proxies roll onto it node by node;
// - images are pinned by digest (prepare.ts resolves them), so every node runs
//   the same bytes;
// - proxy.tls's certificate and key are Swarm secrets named by their content
//   (only cert + key: validate refuses ACME and the internal CA on a Swarm);
// - Swarm ignores security_opt: `no-new-privileges` is lost (`up` says so once);
// - the stack schema has no dns_opt: a task's resolver options are its node's
//   (/etc/resolv.conf `options`, which Docker copies; README says what to set).
import { createHash } from 'node:crypto';
import { STOP_GRACE_SECONDS } from '../../function/contract.ts';
import { PORTS_SERVICE, PROXY_SERVICE } from '../config/rules.ts';
import type { Limits, ServicePlan, StackPlan } from '../types.ts';
import { PORTS_CADDYFILE, renderCaddyfile, renderPortsCaddyfile, ROUTES_CADDYFILE } from './caddyfile.ts';
import { proxyPorts, tlsSecrets } from './proxy-tls.ts';
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
  sortedServices,
} from './shared.ts';
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
export function configName(project: string, role: 'routes' | 'ports', text: string): string {
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

/**
 * One of the two proxies, on every node. A node's published port belongs to one
 * task at a time, so an update stops the old task before starting the new one,
 * one node at a time.
 */
function caddyService(
  plan: StackPlan,
  file: string,
  config: string,
  health: string,
  ports: number[][],
  labels: Record<string, string>,
  secrets: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    image: plan.proxy.image,
    command: caddyRun(file),
    environment: { ...CADDY_ENVIRONMENT },
    configs: [{ source: config, target: `${CADDY_CONFIG_DIR}/${file}` }],
    ...(secrets.length > 0 ? { secrets } : {}),
    healthcheck: { test: ['CMD', 'bash', '-c', health], ...HEALTHCHECK_TIMING },
    ports: ports.map(([published, target]) => ({ target, published, protocol: 'tcp', mode: 'host' })),
    ...hardening(),
    networks: [NETWORK],
    deploy: {
      mode: 'global',
      endpoint_mode: 'dnsrr',
      labels,
      resources: resources(proxyLimits(plan)),
      restart_policy: { ...RESTART_POLICY },
      update_config: { parallelism: 1, order: 'stop-first', failure_action: 'rollback', monitor: UPDATE_MONITOR },
      rollback_config: { parallelism: 1, order: 'stop-first' },
    },
  };
}

/** The stack file; the Caddyfiles it names are compose/caddy/'s, rendered from the same plan. */
export function renderSwarmStack(plan: StackPlan): string {
  const routes = configName(plan.project, 'routes', renderCaddyfile(plan));
  const ports = configName(plan.project, 'ports', renderPortsCaddyfile(plan));
  const secrets = tlsSecrets(plan);
  const services: Record<string, unknown> = {};
  for (const s of sortedServices(plan)) services[s.name] = functionService(s);
  services[PROXY_SERVICE] = caddyService(
    plan,
    ROUTES_CADDYFILE,
    'routes',
    PROXY_HEALTH_COMMAND,
    proxyPorts(plan),
    { 'faaso.config': swarmProxyFingerprint(plan, routes), 'faaso.role': 'proxy' },
    secrets.service,
  );
  services[PORTS_SERVICE] = caddyService(
    plan,
    PORTS_CADDYFILE,
    'ports',
    PORTS_HEALTH_COMMAND,
    portList(plan).map(([, port]) => [port, port]),
    { 'faaso.config': portsFingerprint(plan), 'faaso.role': 'ports' },
  );
  const stack = {
    version: '3.9',
    services,
    networks: { [NETWORK]: { driver: 'overlay' } },
    configs: {
      routes: { file: `./caddy/${ROUTES_CADDYFILE}`, name: routes },
      ports: { file: `./caddy/${PORTS_CADDYFILE}`, name: ports },
    },
    ...(secrets.service.length > 0 ? { secrets: secrets.top } : {}),
  };
  return `${GENERATED_HEADER}\n${toYaml(stack)}`;
}
