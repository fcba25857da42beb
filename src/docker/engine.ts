// Thin queries against the Docker engine, each one argv from docker/argv.ts run
// through the runner, with failures turned into user-facing errors.
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerImageInspect, dockerInfo, dockerInspectState } from './argv.ts';

const SETUP_HINT = 'run `npx zx scripts/setup.mjs` (installs and starts Docker on Debian), or start your Docker engine';

function firstLine(s: string): string {
  return s.trim().split('\n').find((l) => l.trim()) ?? '';
}

/** Fails with a clear message unless a Docker engine answers and BuildKit (buildx) is available. */
export async function ensureEngine(): Promise<void> {
  const info = await run(dockerInfo());
  if (info.exitCode !== 0) {
    const why = firstLine(info.stderr) || `exit code ${info.exitCode}`;
    throw new UserError(`Docker is not running or not reachable (${why})`, SETUP_HINT);
  }
  const buildx = await run(['docker', 'buildx', 'version']);
  if (buildx.exitCode !== 0) {
    throw new UserError('the docker buildx plugin is missing (faaso builds with BuildKit)', SETUP_HINT);
  }
}

export interface ImageInfo {
  id: string;
  size: number;
}

export async function imageInfo(ref: string): Promise<ImageInfo | null> {
  const r = await run(dockerImageInspect(ref));
  if (r.exitCode !== 0) return null;
  const [id, size] = r.stdout.trim().split(' ');
  return { id: id ?? '', size: Number(size) };
}

export interface ContainerState {
  status: string; // running, exited, created, paused, …
  health: string; // healthy, unhealthy, starting, none
  exitCode: number;
}

export async function containerState(name: string): Promise<ContainerState | null> {
  const r = await run(dockerInspectState(name));
  if (r.exitCode !== 0) return null;
  const [status = '', health = 'none', exitCode = '0'] = r.stdout.trim().split(' ');
  return { status, health, exitCode: Number(exitCode) };
}

/** Runs argv and throws a UserError carrying its stderr when it fails. */
export async function runOrFail(argv: string[], what: string, hint?: string): Promise<string> {
  const r = await run(argv);
  if (r.exitCode !== 0) throw new UserError(`${what} failed: ${firstLine(r.stderr) || `exit code ${r.exitCode}`}`, hint);
  return r.stdout;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
