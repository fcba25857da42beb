// Pure argv builders for every command host setup runs. Only exec/runner.ts
// executes them; values are always separate argv elements, never shell text.

/** Debian's release whose docker-compose (v2) and docker-buildx packages we borrow. */
export const PLUGIN_SUITE = 'trixie';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DOCKERD_LOG = '/var/log/faaso-dockerd.log';

export const composeVersion = (): string[] => ['docker', 'compose', 'version'];
export const clientVersion = (): string[] => ['docker', 'version', '--format', '{{.Client.Version}}'];
/** Writes `"aliases": {"builder": "buildx"}` into the CLI's config.json, keeping its other keys. */
export const buildxInstall = (): string[] => ['docker', 'buildx', 'install'];
export const buildxVersion = (): string[] => ['docker', 'buildx', 'version'];

export const APT_ENV: Record<string, string> = { DEBIAN_FRONTEND: 'noninteractive' };

export const aptUpdate = (): string[] => ['apt-get', 'update'];

/** What apt would install for a package: parse with aptCandidate. */
export const aptPolicy = (name: string): string[] => ['apt-cache', 'policy', name];

/** The "Candidate:" version of `apt-cache policy` output, or null (none, or unknown to apt). */
export function aptCandidate(policyOutput: string): string | null {
  const m = /^\s*Candidate:\s*(\S+)\s*$/m.exec(policyOutput);
  return m && m[1] !== '(none)' ? m[1]! : null;
}

/** apt's own complaints in `apt-get update` output (a source it could not fetch), for error messages. */
export function aptWarnings(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(?:W|E|Err):/.test(l));
}

// Recommends stay on: debootstrap's (debian-archive-keyring) are what verify the
// archive, and docker.io is installed the way it was measured.
export function aptInstall(packages: readonly string[]): string[] {
  return ['apt-get', 'install', '-y', ...[...packages].sort()];
}

/**
 * Starts dockerd in its own session with every stdio fd redirected, so it outlives
 * this script and does not hold the runner's pipes open (which would make run() wait).
 */
export function startDockerd(dockerd: string, logFile: string = DOCKERD_LOG): string[] {
  return ['sh', '-c', 'setsid nohup "$1" >>"$2" 2>&1 </dev/null &', 'sh', dockerd, logFile];
}

/** Layout of the throwaway apt state used to download trixie's plugin packages. */
export interface AptScratch {
  dir: string;
  sourcesList: string;
  lists: string;
  cache: string;
}

export function aptScratch(dir: string): AptScratch {
  return { dir, sourcesList: `${dir}/sources.list`, lists: `${dir}/lists`, cache: `${dir}/cache` };
}

export function scratchSourcesList(suite: string = PLUGIN_SUITE, mirror: string = DEBIAN_MIRROR): string {
  return `deb ${mirror} ${suite} main\n`;
}

/**
 * apt options that point apt at the scratch dir only: the system's sources, lists
 * and caches are neither read nor written (its apt.conf.d, e.g. proxies, still applies).
 */
export function aptScratchOptions(s: AptScratch, root: boolean): string[] {
  const opts = [
    `Dir::Etc::SourceList=${s.sourcesList}`,
    'Dir::Etc::SourceParts=/dev/null',
    `Dir::State::Lists=${s.lists}`,
    `Dir::Cache=${s.cache}`,
  ];
  // The scratch dir is private to root, so the _apt sandbox user could not write
  // there; downloading as root avoids apt's (harmless) warning about it.
  if (root) opts.push('APT::Sandbox::User=root');
  return opts.flatMap((o) => ['-o', o]);
}

export const scratchUpdate = (s: AptScratch, root: boolean): string[] => [
  'apt-get',
  ...aptScratchOptions(s, root),
  'update',
];

export function scratchDownload(s: AptScratch, root: boolean, packages: readonly string[]): string[] {
  return ['apt-get', ...aptScratchOptions(s, root), 'download', ...[...packages].sort()];
}

export const dpkgExtract = (deb: string, dest: string): string[] => ['dpkg', '-x', deb, dest];

/** Where Debian's packages put CLI plugins, relative to the extracted root. */
export const DEB_PLUGIN_DIR = 'usr/libexec/docker/cli-plugins';

/** The docker CLI's config dir: $DOCKER_CONFIG, else ~/.docker. */
export function userConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG?.trim() || `${home}/.docker`;
}

/** Plugin dir the docker CLI searches first: $DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins. */
export function userPluginDir(env: NodeJS.ProcessEnv, home: string): string {
  return `${userConfigDir(env, home)}/cli-plugins`;
}

/** "docker-compose_2.26.1-4_amd64.deb" → { name: "docker-compose", version: "2.26.1-4" }. */
export function parseDebName(file: string): { name: string; version: string } | null {
  const m = /^([a-z0-9][a-z0-9+.-]*)_([^_]+)_[^_]+\.deb$/.exec(file);
  if (!m) return null;
  // apt-get download escapes the epoch colon as %3a.
  return { name: m[1]!, version: decodeURIComponent(m[2]!) };
}
