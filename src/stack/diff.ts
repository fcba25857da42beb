// Pure: how the running stack differs from the plan, per function (its replicas
// and their config), and for the two proxies.
import { PORTS_SERVICE, PROXY_SERVICE } from './config/rules.ts';
import { UP_STATES, type ContainerObservation } from './inspect.ts';
import {
  portsFingerprint,
  portsListenerFingerprint,
  proxyFingerprint,
  serviceFingerprint,
} from './render/fingerprint.ts';
import { proxyPorts } from './render/proxy-tls.ts';
import type { ServicePlan, StackPlan } from './types.ts';

/**
 * add: nothing runs yet; update: some replica runs another config (image, env,
 * limits, health command); scale: only the number differs; same: nothing to do.
 */
export type ChangeKind = 'add' | 'update' | 'scale' | 'same';

export interface FunctionDiff {
  service: ServicePlan;
  /** The config label its replicas must carry. */
  config: string;
  kind: ChangeKind;
  /** Replicas that run (or are restarting, or paused), by container number. */
  running: ContainerObservation[];
  /** Its containers that serve nothing (exited, dead, created): removed first. */
  stale: ContainerObservation[];
}

export interface StackDiff {
  /** No proxy running: everything starts with one compose up. */
  fresh: boolean;
  /** One per planned function, by name. */
  functions: FunctionDiff[];
  /** Containers of functions no longer routed, by function. */
  removed: { fn: string; containers: ContainerObservation[] }[];
  /** Proxy image, published port or limits differ: it must be recreated. */
  proxyChanged: boolean;
  /** The ports listener is missing, stopped, or its container is not what the plan makes (image, ports, limits, auth folder): it must be (re)created. */
  portsChanged: boolean;
  /** Containers of faaso's own that no plan has (an older faaso's redeploy standbys). */
  strays: ContainerObservation[];
}

const byNumber = (a: ContainerObservation, b: ContainerObservation): number =>
  a.number - b.number || (a.id < b.id ? -1 : 1);

export function diffFunction(s: ServicePlan, mine: readonly ContainerObservation[]): FunctionDiff {
  const config = serviceFingerprint(s);
  const running = mine.filter((c) => UP_STATES.has(c.status)).sort(byNumber);
  const stale = mine.filter((c) => !UP_STATES.has(c.status)).sort(byNumber);
  const kind: ChangeKind =
    running.length === 0
      ? 'add'
      : running.some((c) => c.config !== config)
        ? 'update'
        : running.length !== s.replicas
          ? 'scale'
          : 'same';
  return { service: s, config, kind, running, stale };
}

export function diffStack(plan: StackPlan, observed: readonly ContainerObservation[]): StackDiff {
  const proxy = observed.find((c) => c.role === 'proxy' || c.service === PROXY_SERVICE);
  const ports = observed.find((c) => c.role === 'ports' || c.service === PORTS_SERVICE);
  const fnContainers = observed.filter((c) => c.role === 'function');
  const planned = new Set(plan.services.map((s) => s.name));
  const functions = [...plan.services]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) =>
      diffFunction(
        s,
        fnContainers.filter((c) => c.fn === s.name && c.service === s.name),
      ),
    );
  const removedNames = [...new Set(fnContainers.map((c) => c.fn).filter((fn) => !planned.has(fn)))].sort();
  const removed = removedNames.map((fn) => ({
    fn,
    containers: fnContainers.filter((c) => c.fn === fn).sort(byNumber),
  }));
  const fresh = !proxy || proxy.status !== 'running';
  // proxy.port, and the HTTPS port with TLS.
  const published = proxyPorts(plan).map(([port]) => `${plan.bind}:${port}`);
  // A proxy started before faaso labelled its limits has no label: recreated only if faaso.yml sets limits.
  const limitsChanged =
    !!proxy && (proxy.config ? proxy.config !== proxyFingerprint(plan) : plan.proxy.limits !== undefined);
  const proxyChanged =
    !!proxy &&
    (proxy.image !== plan.proxy.image || published.some((p) => !proxy.published.includes(p)) || limitsChanged);
  // A listener labelled before faaso reloaded it carries the hash with its Caddyfile: still the same container.
  const portsChanged =
    !ports ||
    ports.status !== 'running' ||
    (ports.config !== portsListenerFingerprint(plan) && ports.config !== portsFingerprint(plan));
  // Function containers outside their function's service (a standby of an older faaso).
  const strays = fnContainers
    .filter((c) => planned.has(c.fn) && c.service !== c.fn)
    .concat(observed.filter((c) => c.role === 'standby'));
  return { fresh, functions, removed, proxyChanged, portsChanged, strays };
}
