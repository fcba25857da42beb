// The docker argv the benches need beyond the product's own builders
// (src/docker/argv.ts): listing and removing what a bench made, and reading a
// container's id, pid and memory. Pure: each returns argv, bench/lib/docker.ts
// and the benches run them.

/** `--filter reference=…` for each image reference pattern (globs allowed, as docker takes them). */
const referenceFilters = (references: readonly string[]): string[] =>
  references.flatMap((ref) => ['--filter', `reference=${ref}`]);

/** Local images matching any of `references`, one `format` line each. */
export const imagesArgv = (format: string, references: readonly string[]): string[] => [
  'docker',
  'images',
  '--format',
  format,
  ...referenceFilters(references),
];

/** Removes images by tag or id; `force` also removes an image that other tags name. */
export const rmiArgv = (refs: readonly string[], force = false): string[] => [
  'docker',
  'rmi',
  ...(force ? ['-f'] : []),
  ...refs,
];

export const containerIdArgv = (container: string): string[] => ['docker', 'inspect', '--format', '{{.Id}}', container];

export const containerPidArgv = (container: string): string[] => [
  'docker',
  'inspect',
  '--format',
  '{{.State.Pid}}',
  container,
];

/** One `docker stats` sample of each container, a JSON object per line. */
export const statsArgv = (containers: readonly string[]): string[] => [
  'docker',
  'stats',
  '--no-stream',
  '--format',
  '{{json .}}',
  ...containers,
];

/** The ids of every container (running or not) of a compose project. */
export const projectContainersArgv = (project: string): string[] => [
  'docker',
  'ps',
  '-aq',
  '--filter',
  `label=com.docker.compose.project=${project}`,
];

/** The ids of every network of a compose project. */
export const projectNetworksArgv = (project: string): string[] => [
  'docker',
  'network',
  'ls',
  '-q',
  '--filter',
  `label=com.docker.compose.project=${project}`,
];

export const networkCreateArgv = (name: string, label: string): string[] => [
  'docker',
  'network',
  'create',
  '--label',
  label,
  name,
];

export const networkRmArgv = (names: readonly string[]): string[] => ['docker', 'network', 'rm', ...names];
