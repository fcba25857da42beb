// What a running container must match to be left alone. `up` compares each
// container's faaso.config label with these (diff.ts), on either target.
import { createHash } from 'node:crypto';
import { byCodeUnit } from '../../util/fields.ts';
import type { ServicePlan, StackPlan } from '../types.ts';
import { renderPortsCaddyfile } from './caddyfile.ts';
import { authFiles, authVolume, roleAuths } from './secrets.ts';
import { portList, proxyLimits } from './shared.ts';

const hash12 = (data: unknown): string => createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 12);

/**
 * A function replica: image, env, limits and health command. Replicas and the
 * function's own port are not in it: scaling adds or removes containers, and
 * the port is served by the ports listener, so neither replaces a running replica.
 */
export function serviceFingerprint(s: ServicePlan): string {
  const env = Object.entries(s.env).sort(([a], [b]) => byCodeUnit(a, b));
  // A secret's stamp changes with its value: a new value replaces the replicas
  // that mount it, and only those. Absent when there are none, so a function
  // without secrets keeps the label it had before faaso had secrets.
  const secrets = (s.secrets ?? []).map((r) => [r.name, r.stamp]);
  return hash12([
    s.image,
    env,
    s.limits.memory,
    s.limits.cpus,
    s.limits.pids,
    s.healthcheck,
    ...(secrets.length > 0 ? [secrets] : []),
  ]);
}

/**
 * The proxy, besides its image and published port (which `up` reads from the
 * container itself): its limits; with TLS what its container is made with: the
 * HTTPS port, the certificate volume or the user's files (path and content, so a
 * renewed certificate recreates the proxy: a file mount keeps the old file when
 * the new one is written beside it and renamed); and the auth folder it mounts
 * when a route has auth. Without TLS or auth the hash is what it always was:
 * upgrading faaso recreates nothing.
 */
export function proxyFingerprint(plan: StackPlan): string {
  const l = proxyLimits(plan);
  const auth = authVolume(plan, 'proxy');
  const tls = plan.proxy.tls;
  const tlsParts = tls ? [tls.mode, tls.httpsPort, tls.cert ?? null, tls.key ?? null] : [];
  return hash12([l.memory, l.cpus, l.pids, ...tlsParts, ...(auth ? [auth] : [])]);
}

/**
 * The ports listener's container on compose: image, bind address, every
 * function's port, limits, and the auth folder it mounts. Any change recreates
 * it: a container's published ports are fixed at creation. Its Caddyfile is not
 * in it: `up` reloads a changed one in the running listener (a new API key, say),
 * which keeps every port open, where a recreate closes them all for a second.
 */
export function portsListenerFingerprint(plan: StackPlan): string {
  const { container, auth } = listenerParts(plan);
  return hash12([...container, ...auth]);
}

/**
 * The ports listener with its Caddyfile: its label on Swarm, where the config
 * is fixed when a task starts (a new one is a new task), and on compose the
 * label of a listener made before faaso reloaded it (diff.ts still matches it,
 * so upgrading faaso recreates nothing).
 */
export function portsFingerprint(plan: StackPlan): string {
  const { container, auth } = listenerParts(plan);
  return hash12([...container, renderPortsCaddyfile(plan), ...auth]);
}

/** What both ports fingerprints hash, in the order the older one always did (its labels must still match). */
function listenerParts(plan: StackPlan): { container: unknown[]; auth: string[] } {
  const l = proxyLimits(plan);
  const auth = authVolume(plan, 'ports');
  return {
    container: [plan.proxy.image, plan.bind, portList(plan), l.memory, l.cpus, l.pids],
    auth: auth ? [auth] : [],
  };
}

/**
 * The proxy on Swarm, whose whole spec comes from the stack file: its image,
 * published port and limits, the bootstrap config it reads (by name, which
 * is its content's hash), and the auth files it mounts as Swarm secrets (by
 * name, which carries each secret's stamp: a new key is a new task). Absent
 * without auth, so the label is what it was before auth.
 */
export function swarmProxyFingerprint(plan: StackPlan, bootstrapConfig: string): string {
  const files = authFiles(roleAuths(plan, 'proxy')).map(([file]) => file);
  return hash12([
    proxyFingerprint(plan),
    plan.proxy.image,
    plan.bind,
    plan.proxy.port,
    bootstrapConfig,
    ...(files.length > 0 ? [files] : []),
  ]);
}
