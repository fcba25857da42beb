// StackPlan → compose/docker-compose.yml and compose/.env. Pure; the same plan
// always gives the same bytes. The file must be accepted by compose v2 and by
// Debian's compose v1 (1.29, PyYAML = YAML 1.1): see yaml.ts.
import { STOP_GRACE_SECONDS } from '../../function/contract.ts';
import { PORTS_SERVICE, PROXY_SERVICE } from '../config/rules.ts';
import type { Limits, ServicePlan, StackPlan, TlsConfig } from '../types.ts';
import { PORTS_CADDYFILE, ROUTES_CADDYFILE } from './caddyfile.ts';
import { keepsCertificates, PROXY_DATA_DIR, PROXY_DATA_VOLUME, proxyPorts, tlsVolumes } from './proxy-tls.ts';
import { toYaml } from './yaml.ts';
import { portsListenerFingerprint, proxyFingerprint, serviceFingerprint } from './fingerprint.ts';
import { authVolume, composeSecrets, serviceSecretNames } from './secrets.ts';
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
  PROXY_DNS_OPTIONS,
  PROXY_HEALTH_COMMAND,
  proxyLimits,
  sortedServices,
} from './shared.ts';

function hardening(limits: Limits): Record<string, unknown> {
  return {
    mem_limit: limits.memory,
    cpus: limits.cpus,
    pids_limit: limits.pids,
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    logging: logging(),
  };
}

/**
 * One service per function with `scale: N` replicas (compose v2 and v1 both
 * honour it; `deploy.replicas` is Swarm's), no published port (the ports
 * listener publishes the function's port and balances over the replicas), and
 * a stop grace longer than the server's drain.
 */
function functionService(s: ServicePlan): Record<string, unknown> {
  const env = environment(s);
  const secrets = serviceSecretNames(s);
  return {
    image: s.image,
    init: true,
    restart: 'unless-stopped',
    scale: s.replicas,
    ...(env ? { environment: env } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    healthcheck: { test: ['CMD', 'bash', '-c', FUNCTION_HEALTH_COMMAND], ...HEALTHCHECK_TIMING },
    stop_grace_period: `${STOP_GRACE_SECONDS}s`,
    ...hardening(s.limits),
    labels: {
      'faaso.config': serviceFingerprint(s),
      'faaso.function': s.name,
      'faaso.hash': s.hash,
      'faaso.role': 'function',
    },
    networks: [NETWORK],
  };
}

/** Started by compose once every function is healthy (plain `docker compose up` too). */
const afterFunctions = (plan: StackPlan): Record<string, unknown> =>
  Object.fromEntries(sortedServices(plan).map((s) => [s.name, { condition: 'service_healthy' }]));

/**
 * Both proxies: faaso's Caddy image with one of the two Caddyfiles, read from
 * compose/caddy/ (a folder mount: a file mount would pin the old inode on
 * atomic rewrites); when it enforces auth, the deploy folder's auth files (a
 * folder too: a new key is a new file there, read by the reloaded config);
 * `tls` (the routes' proxy only): its certificate storage or files.
 */
function caddyService(
  plan: StackPlan,
  role: 'proxy' | 'ports',
  file: string,
  health: string,
  ports: string[],
  labels: Record<string, string>,
  tls?: TlsConfig,
): Record<string, unknown> {
  const auth = authVolume(plan, role);
  return {
    image: plan.proxy.image,
    init: true,
    restart: 'unless-stopped',
    command: caddyRun(file),
    environment: { ...CADDY_ENVIRONMENT, ...(keepsCertificates(tls) ? { XDG_DATA_HOME: PROXY_DATA_DIR } : {}) },
    volumes: [`./caddy:${CADDY_CONFIG_DIR}:ro`, ...tlsVolumes(tls), ...(auth ? [auth] : [])],
    dns_opt: [...PROXY_DNS_OPTIONS],
    healthcheck: { test: ['CMD', 'bash', '-c', health], ...HEALTHCHECK_TIMING },
    ports,
    depends_on: afterFunctions(plan),
    ...hardening(proxyLimits(plan)),
    labels,
    networks: [NETWORK],
  };
}

/** The docker-compose.yml text: one service per function (name order), then the proxy and the ports listener. */
export function renderCompose(plan: StackPlan): string {
  const services: Record<string, unknown> = {};
  for (const s of sortedServices(plan)) services[s.name] = functionService(s);
  services[PROXY_SERVICE] = caddyService(
    plan,
    'proxy',
    ROUTES_CADDYFILE,
    PROXY_HEALTH_COMMAND,
    proxyPorts(plan).map(([host, inside]) => `${plan.bind}:${host}:${inside}`),
    { 'faaso.config': proxyFingerprint(plan), 'faaso.role': 'proxy' },
    plan.proxy.tls,
  );
  services[PORTS_SERVICE] = caddyService(
    plan,
    'ports',
    PORTS_CADDYFILE,
    PORTS_HEALTH_COMMAND,
    portList(plan).map(([, port]) => `${plan.bind}:${port}:${port}`),
    { 'faaso.config': portsListenerFingerprint(plan), 'faaso.role': 'ports' },
  );
  const secrets = composeSecrets(plan);
  // The certificate volume is the stack's: `down` keeps it, so the internal CA clients trust survives.
  const volumes = keepsCertificates(plan.proxy.tls) ? { volumes: { [PROXY_DATA_VOLUME]: {} } } : {};
  return `${GENERATED_HEADER}\n${toYaml({ services, networks: { [NETWORK]: {} }, ...volumes, ...(secrets ? { secrets } : {}) })}`;
}

/** compose/.env: the project name, so plain `docker compose up` in compose/ (v1 or v2) manages the same stack. */
export function renderComposeEnv(plan: StackPlan): string {
  return `${GENERATED_HEADER}\nCOMPOSE_PROJECT_NAME=${plan.project}\n`;
}
