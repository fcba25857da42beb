// Pure: the diff in, the steps of a Swarm rollout out (one executor runs them,
// swarm/execute.ts). Swarm itself replaces tasks — start-first, a batch at a
// time, rolled back on failure, as the stack file says — so faaso's part is
// the files, one `docker stack deploy`, and waiting for the rollout's verdict.
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
  /** `docker config rm` and `docker secret rm` of the stack's configs and secrets the new files no longer name. */
  | { kind: 'prune-configs'; keep: string[] };

export interface SwarmStepPlan {
  steps: SwarmStep[];
  /** Changes of route or port config restart the proxies node by node: said before it happens. */
  proxiesRestart: boolean;
}

/** `changed`: the generated files whose text differs from what is on disk. */
export function planSwarmSteps(diff: SwarmDiff, changed: readonly FileKey[], keepConfigs: string[]): SwarmStepPlan {
  const stale: FileKey[] = ['compose', 'env'];
  if (swarmInSync(diff)) {
    // Nothing to roll out; files that drifted (hand edits, an older faaso) are put right.
    return { steps: changed.length > 0 ? [{ kind: 'write', files: [...changed] }] : [], proxiesRestart: false };
  }
  const updated = [
    ...diff.functions.filter((f) => f.kind === 'update').map((f) => f.name),
    ...(diff.fresh ? [] : [...(diff.proxyChanged ? ['proxy'] : []), ...(diff.portsChanged ? ['ports'] : [])]),
  ].sort();
  return {
    steps: [
      { kind: 'write', files: ['stack', 'caddyfile', 'ports'] },
      { kind: 'remove-files', files: stale },
      { kind: 'deploy' },
      { kind: 'converge', updated },
      { kind: 'prune-configs', keep: keepConfigs },
    ],
    proxiesRestart: !diff.fresh && (diff.proxyChanged || diff.portsChanged),
  };
}
