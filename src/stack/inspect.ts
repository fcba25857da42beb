// One container as `docker inspect` reports it, reduced to what `up`, `status`,
// `logs` and `watch` need (pure parsing; observe.ts runs the two commands).
import { FUNCTION_PORT, PING_PATH } from '../function/contract.ts';

/** States in which a container counts as part of a running stack (a paused or restarting replica still holds its place). */
export const UP_STATES: ReadonlySet<string> = new Set(['running', 'restarting', 'paused']);

/** A replica that serves: running, and healthy for Docker (or without a healthcheck). */
export function isHealthyReplica(c: Pick<ContainerObservation, 'status' | 'health'>): boolean {
  return c.status === 'running' && (c.health === 'healthy' || c.health === 'none');
}

/** One container as `docker inspect` reports it, reduced to what decisions need. */
export interface ContainerObservation {
  id: string;
  name: string;
  service: string;
  /** Compose's container number within its service (sum-3 → 3): which replica. */
  number: number;
  /** faaso.role label: function, proxy, ports. */
  role: string;
  fn: string;
  /** running, exited, paused, restarting, created, dead, removing. */
  status: string;
  /** healthy, unhealthy, starting, none. */
  health: string;
  /** Consecutive failed probes (Docker's FailingStreak): the early sign of a hang. */
  failingStreak: number;
  /** Docker's RestartCount (reset to 0 by `docker start`/`docker restart`). */
  restarts: number;
  /** ms since epoch, 0 if never started. */
  startedAt: number;
  /** ms since epoch. */
  createdAt: number;
  exitCode: number;
  oomKilled: boolean;
  /** Image reference the container runs. */
  image: string;
  /** faaso.hash and faaso.config labels ('' on foreign containers). */
  hash: string;
  config: string;
  /** Host addresses published, e.g. ["127.0.0.1:8460"], sorted. */
  published: string[];
  /** The container's address on its (first) network, '' when it has none (stopped). */
  ip: string;
  /** A function replica's own /ping at its container address (the host reaches Docker's bridge networks), probed by `up` and `watch`. */
  pingUrl: string | null;
  /** That probe failed this check (set by the shell; Docker's probe can lag by interval + timeout). */
  pingFailed: boolean;
}

interface InspectJson {
  Id: string;
  Name: string;
  Created?: string;
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  State?: {
    Status?: string;
    StartedAt?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    Health?: { Status?: string; FailingStreak?: number } | null;
  };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string }> | null;
  };
}

/** The first network address, by network name (stable when a container is on several). */
function ipOf(c: InspectJson): string {
  const nets = Object.entries(c.NetworkSettings?.Networks ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return nets.map(([, n]) => n.IPAddress ?? '').find((ip) => ip !== '') ?? '';
}

/** http://IP:3000/ping of a replica; IPv6 addresses in brackets. */
export function replicaPingUrl(ip: string): string | null {
  if (!ip) return null;
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${FUNCTION_PORT}${PING_PATH}`;
}

/** Docker writes "0001-01-01T00:00:00Z" for never; that and garbage become 0. */
const epochMs = (s: string | undefined): number => {
  const ms = s ? Date.parse(s) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
};

/** `docker inspect ID…` output → observations, sorted by name; one-off `compose run` containers left out. */
export function parseContainers(inspectJson: string): ContainerObservation[] {
  const items = JSON.parse(inspectJson) as InspectJson[];
  return items
    .filter((c) => c.Config?.Labels?.['com.docker.compose.oneoff'] !== 'True')
    .map((c) => {
      const labels = c.Config?.Labels ?? {};
      const state = c.State ?? {};
      return {
        id: c.Id.slice(0, 12),
        name: c.Name.replace(/^\//, ''),
        service: labels['com.docker.compose.service'] ?? '',
        number: Number(labels['com.docker.compose.container-number']) || 0,
        role: labels['faaso.role'] ?? '',
        fn: labels['faaso.function'] ?? '',
        status: state.Status ?? 'unknown',
        health: state.Health?.Status ?? 'none',
        failingStreak: state.Health?.FailingStreak ?? 0,
        restarts: c.RestartCount ?? 0,
        startedAt: epochMs(state.StartedAt),
        createdAt: epochMs(c.Created),
        exitCode: state.ExitCode ?? 0,
        oomKilled: state.OOMKilled === true,
        image: c.Config?.Image ?? '',
        hash: labels['faaso.hash'] ?? '',
        config: labels['faaso.config'] ?? '',
        published: [
          ...new Set(
            Object.values(c.NetworkSettings?.Ports ?? {})
              .flatMap((b) => b ?? [])
              .map((b) => `${b.HostIp ?? ''}:${b.HostPort ?? ''}`),
          ),
        ].sort(),
        ip: ipOf(c),
        pingUrl: labels['faaso.role'] === 'function' ? replicaPingUrl(ipOf(c)) : null,
        pingFailed: false,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
