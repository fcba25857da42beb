// Pure: how a stack running on Swarm differs from the plan. Swarm applies the
// stack file itself (only the services whose spec changed are touched); this
// is what `up` reports, and what it waits for.
import { PORTS_SERVICE, PROXY_SERVICE } from '../config/rules.ts';
import type { ChangeKind } from '../diff.ts';
import { renderCaddyfile, renderPortsCaddyfile } from '../render/caddyfile.ts';
import { portsFingerprint, serviceFingerprint, swarmProxyFingerprint } from '../render/fingerprint.ts';
import { swarmSecrets } from '../render/secrets.ts';
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
}

function functionKind(running: SwarmService | undefined, config: string, replicas: number): ChangeKind {
  if (!running) return 'add';
  if (running.config !== config) return 'update';
  return running.replicas === replicas ? 'same' : 'scale';
}

export function diffSwarmStack(plan: StackPlan, services: readonly SwarmService[]): SwarmDiff {
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
  const planned = new Set([...plan.services.map((s) => s.name), PROXY_SERVICE, PORTS_SERVICE]);
  const routes = configName(plan.project, 'routes', renderCaddyfile(plan));
  const proxy = byShort.get(PROXY_SERVICE);
  const ports = byShort.get(PORTS_SERVICE);
  return {
    fresh: services.length === 0,
    functions,
    removed: services.filter((s) => !planned.has(s.short)).map((s) => s.short),
    proxyChanged: proxy?.config !== swarmProxyFingerprint(plan, routes),
    portsChanged: ports?.config !== portsFingerprint(plan),
  };
}

/** Nothing to deploy: every service as planned. */
export const swarmInSync = (d: SwarmDiff): boolean =>
  !d.fresh &&
  !d.proxyChanged &&
  !d.portsChanged &&
  d.removed.length === 0 &&
  d.functions.every((f) => f.kind === 'same');

/** The configs and secrets of the stack the new files name; every other one of the stack is pruned after a rollout. */
export function plannedConfigs(plan: StackPlan): string[] {
  return [
    configName(plan.project, 'routes', renderCaddyfile(plan)),
    configName(plan.project, 'ports', renderPortsCaddyfile(plan)),
    ...Object.keys(swarmSecrets(plan) ?? {}),
  ];
}
