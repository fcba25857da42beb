// Pure: how a stack running on Swarm differs from the plan. Swarm applies the
// stack file itself (only the services whose spec changed are touched); this
// is what `up` reports, and what it waits for.
import { PORTS_SERVICE, PROXY_SERVICE, ROUTES_SERVICE } from '../config/rules.ts';
import type { ChangeKind } from '../diff.ts';
import { renderPortsCaddyfile } from '../render/caddyfile.ts';
import { bootstrapJson } from '../render/swarm-routes.ts';
import { portsFingerprint, serviceFingerprint, swarmProxyFingerprint } from '../render/fingerprint.ts';
import { configName } from '../render/swarm.ts';
import type { StackPlan } from '../types.ts';
import type { SwarmService } from './inspect.ts';

export interface SwarmFunctionDiff {
  name: string;
  kind: ChangeKind;
  /** Replicas the service has now (0 when it is new), and wants. */
  from: number;
  to: number;
}

export interface SwarmDiff {
  /** No service of the stack exists yet. */
  fresh: boolean;
  functions: SwarmFunctionDiff[];
  /** Services of the stack the plan no longer has (stack deploy --prune removes them). */
  removed: string[];
  proxyChanged: boolean;
  portsChanged: boolean;
  /** proxy-routes serves other routes than the plan's: the proxies load the new ones (no restart). */
  routesChanged: boolean;
}

function functionKind(running: SwarmService | undefined, config: string, replicas: number): ChangeKind {
  if (!running) return 'add';
  if (running.config !== config) return 'update';
  return running.replicas === replicas ? 'same' : 'scale';
}

/** `routes`: the new routes.json (render/swarm-routes.ts). */
export function diffSwarmStack(plan: StackPlan, services: readonly SwarmService[], routes: string): SwarmDiff {
  const byShort = new Map(services.map((s) => [s.short, s]));
  const functions = plan.services
    .map((s) => {
      const running = byShort.get(s.name);
      return {
        name: s.name,
        kind: functionKind(running, serviceFingerprint(s), s.replicas),
        from: running?.replicas ?? 0,
        to: s.replicas,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const planned = new Set([...plan.services.map((s) => s.name), PROXY_SERVICE, PORTS_SERVICE, ROUTES_SERVICE]);
  const proxy = byShort.get(PROXY_SERVICE);
  const ports = byShort.get(PORTS_SERVICE);
  return {
    fresh: services.length === 0,
    functions,
    removed: services.filter((s) => !planned.has(s.short)).map((s) => s.short),
    proxyChanged: proxy?.config !== swarmProxyFingerprint(plan, configName(plan.project, 'bootstrap', bootstrapJson())),
    portsChanged: ports?.config !== portsFingerprint(plan),
    routesChanged: byShort.get(ROUTES_SERVICE)?.config !== configName(plan.project, 'routes', routes),
  };
}

/** Nothing to deploy: every service as planned. */
export const swarmInSync = (d: SwarmDiff): boolean =>
  !d.fresh &&
  !d.proxyChanged &&
  !d.portsChanged &&
  !d.routesChanged &&
  d.removed.length === 0 &&
  d.functions.every((f) => f.kind === 'same');

/** The configs of the stack the new files name; every other one of the stack is pruned after a rollout. */
export function plannedConfigs(plan: StackPlan, routes: string): string[] {
  return [
    configName(plan.project, 'bootstrap', bootstrapJson()),
    configName(plan.project, 'ports', renderPortsCaddyfile(plan)),
    configName(plan.project, 'routes', routes),
  ];
}
