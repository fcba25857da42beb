// The Caddy side by side's samples, as the shell records them and the report
// reads them (and as the results JSON keeps them).
import type { WrkResult } from './wrk.ts';

export type VersionKey = 'trixie' | 'faaso';

export interface ThroughputSample {
  key: VersionKey;
  scheme: 'http' | 'https';
  round: number;
  result: WrkResult;
  /** The proxy container's CPU time per request it served (its cgroup counter): its cost, whatever CPU it got. */
  cpuUsPerRequest: number;
}

export interface ReloadSample {
  key: VersionKey;
  /** The routes as one site (http), or with proxy.tls internal: an HTTP and an HTTPS site (https); cli: `caddy version`, the CLI's start that every reload pays. */
  config: 'http' | 'https' | 'cli';
  ms: number;
}

export interface FailedReload {
  key: VersionKey;
  attempt: number;
  /** Caddy refused it (it always should: one site cannot bind). */
  refused: boolean;
  /** Fresh requests after it, over HTTP and HTTPS. */
  probes: number;
  /** Of those, answered by the config that failed ("new"): it was left half-started. */
  failedConfig: number;
  /** Neither answer (a reset, a refused connection, a TLS error). */
  errors: number;
  /** The errors by scheme and code, e.g. "https EPROTO". */
  errorKinds: Record<string, number>;
}

/** A good config reloaded after the failed ones, then fresh requests again. */
export interface Recovery {
  key: VersionKey;
  /** Caddy took the good config. */
  ok: boolean;
  probes: number;
  /** Fresh requests that got anything but the health endpoint's "ok". */
  errors: number;
}

export interface VersionResults {
  versions: { key: VersionKey; version: string }[];
  throughput: ThroughputSample[];
  reloads: ReloadSample[];
  failed: FailedReload[];
  recovered: Recovery[];
}
