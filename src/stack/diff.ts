// Pure: what `up` must do to turn the running stack into the plan.
import { PROXY_SERVICE } from './config/rules.ts';
import { proxyFingerprint, serviceFingerprint } from './render/compose.ts';
import type { ObservedContainer } from './observe.ts';
import type { ServicePlan, StackPlan } from './types.ts';

export interface StackDiff {
  /** No proxy running: start everything with one compose up. */
  fresh: boolean;
  added: ServicePlan[];
  /** Running with another image/env/limits/port: zero-downtime redeploy. */
  changed: ServicePlan[];
  unchanged: ServicePlan[];
  /** Containers of functions no longer routed. */
  removed: ObservedContainer[];
  /** Proxy image, published port or limits differ: the proxy container must be recreated. */
  proxyChanged: boolean;
  /** Leftover standby containers of an interrupted redeploy. */
  strayStandbys: ObservedContainer[];
}

export function diffStack(plan: StackPlan, observed: readonly ObservedContainer[]): StackDiff {
  const proxy = observed.find((c) => c.role === 'proxy' || c.service === PROXY_SERVICE);
  const fns = new Map(observed.filter((c) => c.role === 'function').map((c) => [c.fn, c]));
  const fresh = !proxy || proxy.status !== 'running';
  const added: ServicePlan[] = [];
  const changed: ServicePlan[] = [];
  const unchanged: ServicePlan[] = [];
  for (const s of plan.services) {
    const c = fns.get(s.name);
    if (!c || c.status !== 'running') added.push(s);
    else if (c.config !== serviceFingerprint(plan.bind, s)) changed.push(s);
    else unchanged.push(s);
  }
  const wanted = new Set(plan.services.map((s) => s.name));
  const removed = [...fns.values()].filter((c) => !wanted.has(c.fn));
  const proxyPort = `${plan.bind}:${plan.proxy.port}`;
  // A proxy started before faaso labelled its limits has no label: recreated only if faaso.yml sets limits.
  const limitsChanged =
    !!proxy && (proxy.config ? proxy.config !== proxyFingerprint(plan) : plan.proxy.limits !== undefined);
  const proxyChanged =
    !!proxy && (proxy.image !== plan.proxy.image || !proxy.published.includes(proxyPort) || limitsChanged);
  return {
    fresh,
    added,
    changed,
    unchanged,
    removed,
    proxyChanged,
    strayStandbys: observed.filter((c) => c.role === 'standby'),
  };
}
