// What a running container must match to be left alone. `up` compares each
// container's faaso.config label with these (diff.ts), on either target.
import { createHash } from 'node:crypto';
import { byCodeUnit } from '../../util/fields.ts';
import type { ServicePlan, StackPlan } from '../types.ts';
import { renderPortsCaddyfile } from './caddyfile.ts';
import { portList, proxyLimits } from './shared.ts';

const hash12 = (data: unknown): string => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 12);

/**
 * A function replica: image, env, limits and health command. Replicas and the
 * function's own port are not in it: scaling adds or removes containers, and
 * the port is served by the ports listener, so neither replaces a running replica.
 */
export function serviceFingerprint(s: ServicePlan): string {
  const env = Object.entries(s.env).sort(([a], [b]) => byCodeUnit(a, b));
  return hash12([s.image, env, s.limits.memory, s.limits.cpus, s.limits.pids, s.healthcheck]);
}

/**
 * The proxy, besides its image and published port (which `up` reads from the
 * container itself): its limits, and with TLS what its container is made
 * with: the HTTPS port, the certificate volume or the user's files (path and
 * content, so a renewed certificate recreates the proxy: a file mount keeps
 * the old file when the new one is written beside it and renamed). Without
 * TLS the hash is what it always was: upgrading faaso recreates nothing.
 */
export function proxyFingerprint(plan: StackPlan): string {
  const l = proxyLimits(plan);
  const tls = plan.proxy.tls;
  if (!tls) return hash12([l.memory, l.cpus, l.pids]);
  return hash12([l.memory, l.cpus, l.pids, tls.mode, tls.httpsPort, tls.cert ?? null, tls.key ?? null]);
}

/**
 * The ports listener: image, bind address, every function's port, limits, and
 * its config (read only when it starts). Any change recreates it: a
 * container's published ports are fixed at creation.
 */
export function portsFingerprint(plan: StackPlan): string {
  const l = proxyLimits(plan);
  return hash12([plan.proxy.image, plan.bind, portList(plan), l.memory, l.cpus, l.pids, renderPortsCaddyfile(plan)]);
}

/**
 * The proxy on Swarm, whose whole spec comes from the stack file: its image,
 * published port and limits, and the routes config it reads (by name, which
 * is its content's hash).
 */
export function swarmProxyFingerprint(plan: StackPlan, routesConfig: string): string {
  return hash12([proxyFingerprint(plan), plan.proxy.image, plan.bind, plan.proxy.port, routesConfig]);
}
