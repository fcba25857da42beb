// Pure argv builders for every docker command faaso runs (as in Kamal: commands
// are data; only exec/runner.ts executes them). Unit-tested without Docker.

export interface BuildArgs {
  context: string;
  tag: string;
  labels: Record<string, string>;
  noCache?: boolean;
  /** BuildKit secrets: id → file on the host. */
  secrets?: Record<string, string>;
}

export function dockerBuild(a: BuildArgs): string[] {
  const argv = ['docker', 'build', '--progress=plain', '-t', a.tag];
  for (const k of Object.keys(a.labels).sort()) argv.push('--label', `${k}=${a.labels[k]}`);
  if (a.noCache) argv.push('--no-cache');
  for (const id of Object.keys(a.secrets ?? {}).sort()) argv.push('--secret', `id=${id},src=${a.secrets![id]}`);
  argv.push(a.context);
  return argv;
}

export const dockerTag = (src: string, dest: string): string[] => ['docker', 'tag', src, dest];
export const dockerPush = (ref: string): string[] => ['docker', 'push', ref];
export const dockerPull = (ref: string): string[] => ['docker', 'pull', ref];
export const dockerRmi = (ref: string): string[] => ['docker', 'rmi', ref];
export const dockerRm = (...names: string[]): string[] => ['docker', 'rm', '-f', ...names];
export const dockerStart = (container: string): string[] => ['docker', 'start', container];
/** SIGTERM, then SIGKILL after `graceSeconds`; several containers stop side by side. */
export const dockerStop = (containers: readonly string[], graceSeconds: number): string[] => [
  'docker',
  'stop',
  '-t',
  String(graceSeconds),
  ...containers,
];
export const dockerUnpause = (container: string): string[] => ['docker', 'unpause', container];
export const dockerRestart = (container: string, stopSeconds: number): string[] => [
  'docker',
  'restart',
  '-t',
  String(stopSeconds),
  container,
];
export const dockerVolumeExists = (name: string): string[] => [
  'docker',
  'volume',
  'inspect',
  '--format',
  '{{.Name}}',
  name,
];
export const dockerVolumeRm = (name: string): string[] => ['docker', 'volume', 'rm', name];
export const dockerLogs = (name: string, tail = 50): string[] => ['docker', 'logs', '--tail', String(tail), name];
export const dockerPort = (name: string, port: number): string[] => ['docker', 'port', name, `${port}/tcp`];
export const dockerInfo = (): string[] => ['docker', 'info', '--format', '{{.ServerVersion}}'];
/** Cheapest call that needs the engine to answer (~30 ms, `docker info` gathers far more: ~160 ms). */
export const dockerServerVersion = (): string[] => ['docker', 'version', '--format', '{{.Server.Version}}'];
export const dockerBuildxVersion = (): string[] => ['docker', 'buildx', 'version'];

/**
 * `docker image inspect` printing id, size and every tag of each image, a line
 * each; exit 1 if any is absent (the others are still printed). The tags let the
 * builder see whether `latest` already points at an image without another call,
 * and tell which line answers which ref.
 */
export const dockerImageInspect = (...refs: string[]): string[] => [
  'docker',
  'image',
  'inspect',
  '--format',
  '{{.Id}} {{.Size}} {{range .RepoTags}}{{.}},{{end}}',
  ...refs,
];

export const dockerInspectState = (name: string): string[] => [
  'docker',
  'inspect',
  '--format',
  '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}',
  name,
];

export interface RunArgs {
  image: string;
  name: string;
  /** host binding like "127.0.0.1::3000" (ephemeral) or "127.0.0.1:8081:3000". */
  publish: string[];
  labels?: Record<string, string>;
  env?: Record<string, string>;
  volumes?: string[];
  restart?: string;
  /** Hardening that production uses too, so tests see the same constraints. */
  hardened?: boolean;
  detach?: boolean;
  rm?: boolean;
  command?: string[];
}

/**
 * How faaso runs every container of its own: read-only root with a writable
 * /tmp, no capabilities, no privilege gain. The one definition, shared by
 * dockerRun, Caddy's validation run, and the tests and benches that start
 * containers by hand.
 */
export const HARDENED_FLAGS: readonly string[] = [
  '--read-only',
  '--tmpfs',
  '/tmp',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
];

export function dockerRun(a: RunArgs): string[] {
  const argv = ['docker', 'run'];
  if (a.detach !== false) argv.push('-d');
  if (a.rm) argv.push('--rm');
  argv.push('--name', a.name);
  for (const p of a.publish) argv.push('-p', p);
  for (const k of Object.keys(a.labels ?? {}).sort()) argv.push('--label', `${k}=${a.labels![k]}`);
  for (const k of Object.keys(a.env ?? {}).sort()) argv.push('-e', `${k}=${a.env![k]}`);
  for (const v of a.volumes ?? []) argv.push('-v', v);
  if (a.restart) argv.push('--restart', a.restart);
  if (a.hardened) argv.push(...HARDENED_FLAGS, '--init');
  argv.push(a.image, ...(a.command ?? []));
  return argv;
}
