// What setup needs to know about the host, as plain data so the decisions in
// plan.ts are pure. probe.ts fills these in.

export interface HostFacts {
  /** /etc/debian_version exists (Debian, Ubuntu and friends: apt-get + dpkg). */
  debian: boolean;
  /** Running as uid 0: needed to install packages and to start dockerd. */
  root: boolean;
}

export interface EngineFacts extends HostFacts {
  /** `docker info` answered: a daemon is reachable. */
  answers: boolean;
  /** First line of `docker info`'s error, for messages. */
  infoError: string;
  /** The `docker` client is on PATH. */
  cli: boolean;
  /** Where dockerd lives, or null when it is not installed. */
  dockerd: string | null;
  /** A dockerd process is alive (whoever started it), answering or not. */
  dockerdRunning: boolean;
}

export interface PluginFacts extends HostFacts {
  /** `docker compose version` works. */
  compose: boolean;
  /** `docker buildx version` works. */
  buildx: boolean;
  /** apt-get and dpkg are on PATH (needed for the one-off download). */
  apt: boolean;
}
