// Thin queries against the Docker engine, each one argv from docker/argv.ts run
// through the runner, with failures turned into user-facing errors.
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { failureLine } from '../util/text.ts';
import { dockerBuildxVersion, dockerImageInspect, dockerInspectState, dockerServerVersion } from './argv.ts';

export { formatBytes } from '../util/text.ts';

const SETUP_HINT = 'run `npx zx scripts/setup.mjs` (installs and starts Docker on Debian), or start your Docker engine';

/**
 * Fails with a clear message unless a Docker engine answers and, when `buildx`
 * (the default), BuildKit is available. Both checks run at once: every command
 * pays for them, so they are the cheapest calls that tell.
 */
export async function ensureEngine(opts: { buildx?: boolean } = {}): Promise<void> {
  const [version, buildx] = await Promise.all([
    run(dockerServerVersion()),
    opts.buildx === false ? null : run(dockerBuildxVersion()),
  ]);
  if (version.exitCode !== 0) throw engineUnreachable(failureLine(version));
  if (buildx && buildx.exitCode !== 0) throw buildxMissing();
}

/** BuildKit is there: for commands that only need it once they really build. */
export async function ensureBuildx(): Promise<void> {
  if ((await run(dockerBuildxVersion())).exitCode !== 0) throw buildxMissing();
}

function engineUnreachable(why: string): UserError {
  return new UserError(`Docker is not running or not reachable (${why})`, SETUP_HINT);
}

/**
 * Why a `docker image inspect` failed other than for images that are not there
 * (pure): the engine did not answer (not running, no permission), or null. An
 * inspect of several refs exits non-zero when any is missing, saying "No such
 * image" for each; one that found no image (its lines start with the image ID)
 * and said no such thing never reached the engine.
 */
export function inspectTrouble(r: { exitCode: number; stdout: string; stderr: string }): string | null {
  if (r.exitCode === 0 || /^sha256:/m.test(r.stdout) || /no such image/i.test(r.stderr)) return null;
  return failureLine(r);
}

function buildxMissing(): UserError {
  return new UserError('the docker buildx plugin is missing (faaso builds with BuildKit)', SETUP_HINT);
}

export interface ImageInfo {
  id: string;
  size: number;
  /** Every repo:tag naming this image. */
  tags: string[];
}

/** Parses dockerImageInspect's output line (pure). */
export function parseImageInfo(line: string): ImageInfo {
  const [id = '', size = '0', tags = ''] = line.trim().split(' ');
  return { id, size: Number(size), tags: tags.split(',').filter(Boolean) };
}

export async function imageInfo(ref: string): Promise<ImageInfo | null> {
  const r = await run(dockerImageInspect(ref));
  if (r.exitCode !== 0) return null;
  return parseImageInfo(r.stdout);
}

/**
 * Which of `refs` (repo:tag each) name which image, from one batched inspect's
 * output (pure): a line per image found, in no order to rely on, so each ref is
 * matched by the tags its image carries. Absent refs map to null.
 */
export function matchImageInfos(refs: readonly string[], stdout: string): Map<string, ImageInfo | null> {
  const infos = stdout
    .split('\n')
    .filter((l) => l.trim())
    .map(parseImageInfo);
  return new Map(refs.map((ref) => [ref, infos.find((i) => i.tags.includes(ref)) ?? null]));
}

/** Refs per inspect: far below any argv limit, and 30 functions still take one call. */
const INSPECT_BATCH = 100;

/**
 * imageInfo for many tags at once: one `docker image inspect` per 100 refs
 * instead of one each. A no-change `up` of 30 functions made 31 inspects, most
 * of its Docker calls (deploy bench). An engine that does not answer is an
 * error, not a list of missing images, so the inspect doubles as the engine check.
 */
export async function imageInfos(refs: readonly string[]): Promise<Map<string, ImageInfo | null>> {
  const found = new Map<string, ImageInfo | null>();
  const unique = [...new Set(refs)];
  for (let i = 0; i < unique.length; i += INSPECT_BATCH) {
    const batch = unique.slice(i, i + INSPECT_BATCH);
    const r = await run(dockerImageInspect(...batch));
    const trouble = inspectTrouble(r);
    if (trouble !== null) throw engineUnreachable(trouble);
    for (const [ref, info] of matchImageInfos(batch, r.stdout)) found.set(ref, info);
  }
  return found;
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
  if (r.exitCode !== 0) throw new UserError(`${what} failed: ${failureLine(r)}`, hint);
  return r.stdout;
}
