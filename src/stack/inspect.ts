// One container as `docker inspect` reports it, reduced to what `up`, `status`,
// `logs` and `watch` need (pure parsing; observe.ts runs the two commands).
import { FUNCTION_PORT, PING_PATH } from '../function/contract.ts';

/** One container as `docker inspect` reports it, reduced to what decisions need. */
export interface ContainerObservation {
  id: string;
  name: string;
  service: string;
  /** faaso.role label: function, standby, proxy. */
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
  /** The function's own /ping on its published port, probed by watch itself. */
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
  NetworkSettings?: { Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

/** http://HOST:PORT/ping of a function's published port, if it has one. */
function pingUrl(c: InspectJson): string | null {
  const b = c.NetworkSettings?.Ports?.[`${FUNCTION_PORT}/tcp`]?.[0];
  if (!b?.HostPort) return null;
  const host = !b.HostIp || b.HostIp === '0.0.0.0' ? '127.0.0.1' : b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp;
  return `http://${host}:${b.HostPort}${PING_PATH}`;
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
        pingUrl: labels['faaso.role'] === 'function' ? pingUrl(c) : null,
        pingFailed: false,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
