// What the watcher knows: the services it keeps alive, what Docker reports about
// their containers, its thresholds, and its memory between checks. Pure; the
// decisions themselves are in decide.ts, which replicas it looks after in replicas.ts.

import type { ContainerObservation } from '../stack/inspect.ts';

export { UP_STATES, type ContainerObservation } from '../stack/inspect.ts';

/** A service of the generated compose file that the watcher keeps alive. */
export interface ExpectedService {
  service: string;
  /** faaso.function label ('' for the proxies). */
  fn: string;
  role: 'function' | 'proxy' | 'ports';
  /** Containers the service wants (the file's `scale`; 1 for the proxies). */
  replicas: number;
}

export interface WatchThresholds {
  /** Consecutive failing checks (unhealthy, a failed probe, paused) before a restart. */
  unhealthyChecks: number;
  /**
   * Count a failed probe of a container Docker still calls healthy as failing.
   * Docker needs retries × (interval + timeout) ≈ 12 s to call a hung container
   * unhealthy; the first failed probe comes within interval + timeout ≈ 4 s.
   */
  earlyProbeFailures: boolean;
  /** Restarts (by Docker or by us) within crashWindowMs that make a crash loop. */
  crashRestarts: number;
  crashWindowMs: number;
  /** First backoff period; doubles per period up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The compose file changed less than this ago: `up` is at work, take no action. */
  settleMs: number;
}

export const DEFAULT_THRESHOLDS: Readonly<WatchThresholds> = {
  unhealthyChecks: 3,
  earlyProbeFailures: true,
  crashRestarts: 3,
  crashWindowMs: 60_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 300_000,
  settleMs: 10_000,
};

/** What the watcher remembers of one replica (or of a service's missing replicas) between checks. */
export interface ReplicaMemory {
  /** Container seen last time (null: none), and its RestartCount then. */
  containerId: string | null;
  restartCount: number;
  /** Consecutive failing checks. */
  failingChecks: number;
  /** Times of restarts by Docker or by us, within the crash window. */
  restarts: number[];
  /** Restarts since the last healthy check. */
  attempts: number;
  /** Backoff period number (0: not crash-looping), its end, and what happened since it began. */
  level: number;
  until: number;
  dockerSinceLoop: number;
  oursSinceLoop: number;
  /** Something was reported and no "healthy again" followed yet. */
  problem: boolean;
}

export interface WatchMemory {
  /** By replicaKey(): each replica on its own, and each service's missing replicas. */
  replicas: Record<string, ReplicaMemory>;
  /** null before the first check. */
  stackDown: boolean | null;
  /** The `up` we are holding off for (its "holding off" said), null when none. */
  upPid: number | null;
}

export const emptyMemory = (): WatchMemory => ({ replicas: {}, stackDown: null, upPid: null });

/**
 * Who an action or event is about: a compose service, and the container number
 * of one of its replicas when the service wants several (the label then shows
 * it, as `docker compose ps` does: sum-2). Absent for a service that wants one,
 * and for a service's missing replicas.
 */
export interface ReplicaRef {
  service: string;
  replica?: number;
}

/** Replicas missing: `docker compose up -d --no-deps --no-recreate SERVICE` creates them from the file's scale. */
export interface CreateAction extends ReplicaRef {
  kind: 'create';
  reason: string;
}
/** Dead: `docker rm -f` it, then create as above. */
export interface ReplaceAction extends ReplicaRef {
  kind: 'replace';
  container: string;
  reason: string;
}
/** Exited or created: `docker start`. */
export interface StartAction extends ReplicaRef {
  kind: 'start';
  container: string;
  reason: string;
}
/** Hung: unpause if paused, then `docker restart -t N`. */
export interface RestartAction extends ReplicaRef {
  kind: 'restart';
  container: string;
  unpause: boolean;
  reason: string;
}
export type WatchAction = CreateAction | ReplaceAction | StartAction | RestartAction;

export type WatchEventKind =
  'crashed' | 'failing' | 'crash-looping' | 'recovered' | 'up-in-progress' | 'up-finished' | 'stack-down' | 'stack-up';

export interface WatchEvent {
  /** null for stack-wide events. */
  service: string | null;
  replica?: number;
  kind: WatchEventKind;
  message: string;
}

export interface CheckInput {
  expected: readonly ExpectedService[];
  observed: readonly ContainerObservation[];
  now: number;
  /** mtime of the compose file, ms. */
  composeChangedAt: number;
  /** The `up` holding compose/.faaso-up.lock, if one is at work: it drains and removes replicas on purpose. */
  upInProgress: { pid: number } | null;
}

export interface Decision {
  actions: WatchAction[];
  events: WatchEvent[];
  memory: WatchMemory;
}

/** Backoff period `level` (1-based): base, 2×base, 4×base, … capped at max. */
export function backoffMs(level: number, t: Pick<WatchThresholds, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(t.backoffBaseMs * 2 ** Math.max(0, level - 1), t.backoffMaxMs);
}
