// What the watcher knows: the services it keeps alive, what Docker reports about
// their containers, its thresholds, and its memory between checks. Pure; the
// decisions themselves are in watch-decide.ts.

import { UP_STATES, type ContainerObservation } from '../stack/inspect.ts';

export { UP_STATES, type ContainerObservation } from '../stack/inspect.ts';

/** A service of the generated compose file that the watcher keeps alive. */
export interface ExpectedService {
  service: string;
  /** faaso.function label ('' for the proxy). */
  fn: string;
  role: 'function' | 'proxy';
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
  /** A standby container younger than this means `up` is redeploying that function: hands off. */
  standbyGraceMs: number;
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
  standbyGraceMs: 180_000,
  settleMs: 10_000,
};

export interface ServiceMemory {
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
  /** "redeploy in progress" already said. */
  deferred: boolean;
}

export interface WatchMemory {
  services: Record<string, ServiceMemory>;
  /** null before the first check. */
  stackDown: boolean | null;
}

export const emptyMemory = (): WatchMemory => ({ services: {}, stackDown: null });

export type WatchAction =
  /** No container (or a dead one): `docker compose up -d --no-deps [--force-recreate] SERVICE`. */
  | { kind: 'create'; service: string; force: boolean; reason: string }
  /** Exited or created: `docker start`. */
  | { kind: 'start'; service: string; container: string; reason: string }
  /** Hung: unpause if paused, then `docker restart -t N`. */
  | { kind: 'restart'; service: string; container: string; unpause: boolean; reason: string };

export type WatchEventKind =
  'crashed' | 'failing' | 'crash-looping' | 'recovered' | 'deferred' | 'stack-down' | 'stack-up';

export interface WatchEvent {
  /** null for stack-wide events. */
  service: string | null;
  kind: WatchEventKind;
  message: string;
}

export interface CheckInput {
  expected: readonly ExpectedService[];
  observed: readonly ContainerObservation[];
  now: number;
  /** mtime of the compose file, ms. */
  composeChangedAt: number;
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

/** Serving as far as Docker can tell: running, and healthy (or no healthcheck). */
export function isHealthy(
  c: ContainerObservation | undefined,
  t: Pick<WatchThresholds, 'earlyProbeFailures'> = DEFAULT_THRESHOLDS,
): boolean {
  if (!c || c.status !== 'running') return false;
  if (c.health === 'none') return true;
  return c.health === 'healthy' && !c.pingFailed && !(t.earlyProbeFailures && c.failingStreak > 0);
}

/** The container serving a service: a running one if there are several (compose scale leftovers). */
export function containerFor(
  service: string,
  observed: readonly ContainerObservation[],
): ContainerObservation | undefined {
  const mine = observed.filter((c) => c.service === service && c.role !== 'standby');
  return mine.find((c) => UP_STATES.has(c.status)) ?? mine[0];
}

/** Why each expected service is not serving (empty: all is well). */
export function brokenServices(
  expected: readonly ExpectedService[],
  observed: readonly ContainerObservation[],
  t: Pick<WatchThresholds, 'earlyProbeFailures'> = DEFAULT_THRESHOLDS,
): { service: string; why: string }[] {
  return expected.flatMap((e) => {
    const c = containerFor(e.service, observed);
    if (isHealthy(c, t)) return [];
    const why = !c
      ? 'missing'
      : c.status !== 'running'
        ? c.status
        : c.health === 'healthy'
          ? `failing probes (${c.failingStreak})`
          : c.health;
    return [{ service: e.service, why }];
  });
}
