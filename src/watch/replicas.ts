// Which containers the watcher looks after for each service, what each is called
// in its lines, and which of them are not serving. Pure.
//
// A service that wants one replica is one slot: its container, or its absence
// (so a container that keeps vanishing and one that keeps dying share one
// memory, and one backoff). A service that wants several has a slot per
// replica, keyed by compose's container number, plus one for its missing
// replicas: compose creates those together, from the file's `scale`, and gives
// them new numbers.
import {
  DEFAULT_THRESHOLDS,
  UP_STATES,
  type ContainerObservation,
  type ExpectedService,
  type ReplicaRef,
  type WatchThresholds,
} from './state.ts';

/** How lines name it: `sum`, or `sum-2` (as `docker compose ps` does) for a replica of a service that wants several. */
export const labelOf = (r: ReplicaRef): string => (r.replica === undefined ? r.service : `${r.service}-${r.replica}`);

/** Its memory key; `#` is not allowed in a service name, so replica 2 of sum never meets a service named sum-2. */
export const replicaKey = (r: ReplicaRef): string =>
  r.replica === undefined ? r.service : `${r.service}#${r.replica}`;

/** Serving as far as Docker (and watch's own probe) can tell: running, and healthy (or no healthcheck). */
export function isHealthy(
  c: ContainerObservation | undefined,
  t: Pick<WatchThresholds, 'earlyProbeFailures'> = DEFAULT_THRESHOLDS,
): boolean {
  if (!c || c.status !== 'running') return false;
  if (c.health === 'none') return true;
  return c.health === 'healthy' && !c.pingFailed && !(t.earlyProbeFailures && c.failingStreak > 0);
}

/** One thing the watcher looks after. */
export interface Slot {
  ref: ReplicaRef;
  /** The replica's container; none: the service's missing replicas. */
  container?: ContainerObservation;
  /** Replicas with no container (0 on a replica's own slot). */
  missing: number;
  /** Replicas the service wants. */
  wanted: number;
  /** A container: serving. The missing replicas: none missing, and every replica serving. */
  healthy: boolean;
}

/**
 * The service's containers the watcher looks after: up ones first, then by
 * number, at most `replicas`. Extras (a scale-down or a hand-made container)
 * are not its business.
 */
export function watchedContainers(
  e: ExpectedService,
  observed: readonly ContainerObservation[],
): ContainerObservation[] {
  const up = (c: ContainerObservation): number => (UP_STATES.has(c.status) ? 0 : 1);
  return observed
    .filter((c) => c.service === e.service)
    .sort((a, b) => up(a) - up(b) || a.number - b.number)
    .slice(0, e.replicas);
}

export function slotsOf(
  e: ExpectedService,
  observed: readonly ContainerObservation[],
  t: Pick<WatchThresholds, 'earlyProbeFailures'> = DEFAULT_THRESHOLDS,
): Slot[] {
  if (e.replicas < 1) return [];
  const mine = watchedContainers(e, observed);
  const missing = e.replicas - mine.length;
  const base = { wanted: e.replicas };
  if (e.replicas === 1) {
    const c = mine[0];
    return [
      { ...base, ref: { service: e.service }, ...(c ? { container: c } : {}), missing, healthy: isHealthy(c, t) },
    ];
  }
  const replicas: Slot[] = [...mine]
    .sort((a, b) => a.number - b.number)
    .map((c) => ({
      ...base,
      ref: { service: e.service, replica: c.number },
      container: c,
      missing: 0,
      healthy: isHealthy(c, t),
    }));
  const all = missing === 0 && replicas.every((s) => s.healthy);
  return [...replicas, { ...base, ref: { service: e.service }, missing, healthy: all }];
}

/** Why a slot is not serving, for the --once summary. */
function why(s: Slot): string {
  const c = s.container;
  if (!c) return s.wanted === 1 ? 'missing' : `${s.missing} of ${s.wanted} missing`;
  if (c.status !== 'running') return c.status;
  return c.health === 'healthy' ? `failing probes (${c.failingStreak})` : c.health;
}

export interface BrokenReplica {
  ref: ReplicaRef;
  container?: ContainerObservation;
  why: string;
}

/** Every wanted replica that is not serving, and why (empty: all is well). */
export function brokenReplicas(
  expected: readonly ExpectedService[],
  observed: readonly ContainerObservation[],
  t: Pick<WatchThresholds, 'earlyProbeFailures'> = DEFAULT_THRESHOLDS,
): BrokenReplica[] {
  return expected
    .flatMap((e) => slotsOf(e, observed, t))
    .filter((s) => !s.healthy && (s.container || s.missing > 0))
    .map((s) => ({ ref: s.ref, ...(s.container ? { container: s.container } : {}), why: why(s) }));
}

/** --once's closing line: "not healthy: sum-2 (unhealthy), sum (1 of 3 missing)". */
export const brokenSummary = (broken: readonly BrokenReplica[]): string =>
  `not healthy: ${broken.map((b) => `${labelOf(b.ref)} (${b.why})`).join(', ')}`;
