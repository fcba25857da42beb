// Pure: the diff in, the steps of a Swarm rollout out (one executor runs them,
// swarm/execute.ts). Swarm itself replaces tasks — start-first, a batch at a
// time, rolled back on failure, as the stack file says — so faaso's part is
// the files, one `docker stack deploy`, and waiting for the rollout's verdict.
import { PORTS_SERVICE, PROXY_SERVICE, ROUTES_SERVICE } from '../config/rules.ts';
import type { FileKey } from '../files.ts';
import { swarmInSync, type SwarmDiff } from './diff.ts';

export type SwarmStep =
  /** Write these of the new files (atomically). */
  | { kind: 'write'; files: FileKey[] }
  /** Remove the other target's files: they describe nothing that runs. */
  | { kind: 'remove-files'; files: FileKey[] }
  /** `docker stack deploy`: Swarm updates the services whose spec changed. */
  | { kind: 'deploy' }
  /**
   * Until every service of the stack runs its wanted tasks and no rollout is
   * under way; `updated` are the services whose rollout must be a new one
   * (right after the deploy, Swarm may still report the previous rollout).
   */
  | { kind: 'converge'; updated: string[] }
  /**
   * Until the proxy on every node answers its health check with this routes
   * version (it loads its routes from proxy-routes within a second or so).
   */
  | { kind: 'routes-loaded'; version: string }
  /** `docker config rm` of the stack's configs the new files no longer name. */
  | { kind: 'prune-configs'; keep: string[] };

export interface SwarmStepPlan {
  steps: SwarmStep[];
  /** A new proxy image, port or limits, or other function ports, restart the proxies node by node: said before it happens. */
  proxiesRestart: boolean;
}

/** Everything `up` writes for a Swarm. */
export const SWARM_FILES: readonly FileKey[] = ['stack', 'caddyfile', 'routesJson', 'bootstrap', 'ports'];

/**
 * `changed`: the generated files whose text differs from what is on disk;
 * `version`: the routes' version (render/caddyfile.ts routesVersion).
 */
export function planSwarmSteps(
  diff: SwarmDiff,
  changed: readonly FileKey[],
  keepConfigs: string[],
  version: string,
): SwarmStepPlan {
  const stale: FileKey[] = ['compose', 'env'];
  if (swarmInSync(diff)) {
    // Nothing to roll out; files that drifted (hand edits, an older faaso) are put right.
    return { steps: changed.length > 0 ? [{ kind: 'write', files: [...changed] }] : [], proxiesRestart: false };
  }
  const services: [boolean, string][] = [
    [diff.proxyChanged, PROXY_SERVICE],
    [diff.portsChanged, PORTS_SERVICE],
    [diff.routesChanged, ROUTES_SERVICE],
  ];
  const updated = [
    ...diff.functions.filter((f) => f.kind === 'update').map((f) => f.name),
    ...(diff.fresh ? [] : services.filter(([changedNow]) => changedNow).map(([, name]) => name)),
  ].sort();
  const routes: SwarmStep[] = diff.fresh || diff.routesChanged ? [{ kind: 'routes-loaded', version }] : [];
  return {
    steps: [
      { kind: 'write', files: [...SWARM_FILES] },
      { kind: 'remove-files', files: stale },
      { kind: 'deploy' },
      { kind: 'converge', updated },
      ...routes,
      { kind: 'prune-configs', keep: keepConfigs },
    ],
    proxiesRestart: !diff.fresh && (diff.proxyChanged || diff.portsChanged),
  };
}
