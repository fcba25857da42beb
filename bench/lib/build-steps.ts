// I/O of the build bench: a throwaway project with bench copies of the
// examples, faaso's scripts and plain `docker build` timed line by line, the
// no-change path timed inside this process, and cleanup of what it made.
import fs from 'fs-extra';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { dockerBuild } from '../../src/docker/argv.ts';
import { ensureEngine } from '../../src/docker/engine.ts';
import { REPO_ROOT, resolveSettings, type BuildProfile } from '../../src/settings.ts';
import { ensureRegistry } from '../../src/registry/registry.ts';
import { deleteRepositoryTags } from '../../src/registry/api.ts';
import { loadTemplates } from '../../src/template/load.ts';
import { loadFunctions } from '../../src/function/load.ts';
import { buildFunction } from '../../src/build/build.ts';
import { CA_SECRET_ID } from '../../src/build/dockerfile-vars.ts';
import { localImages, removeImages } from './docker.ts';
import { benchName, changeLine, type RuntimeCase, type TimedLine } from './build-plan.ts';

export interface TimedRun {
  ms: number;
  code: number;
  stdout: string;
  stderr: string;
  /** stdout lines with the time they arrived, ms after the start. */
  lines: TimedLine[];
}

export async function timedRun(argv: string[], env: Record<string, string> = {}, cwd?: string): Promise<TimedRun> {
  const lines: TimedLine[] = [];
  const start = performance.now();
  const r = await run(argv, {
    env,
    cwd,
    onLine: (text, stream) => stream === 'stdout' && lines.push({ ms: performance.now() - start, text }),
  });
  return { ms: performance.now() - start, code: r.exitCode, stdout: r.stdout, stderr: r.stderr, lines };
}

/** `node scripts/NAME.mjs ARGS`: what `npx zx scripts/NAME.mjs` runs, minus npx's own lookup. */
export const faasoScript = (name: string, args: string[], env: Record<string, string>): Promise<TimedRun> =>
  timedRun([process.execPath, path.join(REPO_ROOT, 'scripts', `${name}.mjs`), ...args], env);

/**
 * `npx zx ARGS` from the repo, as users run faaso (`npx zx scripts/build.mjs sum`),
 * or `npx zx --version`: the floor of that invocation, which issue 13 measures against.
 */
export const npxZx = (args: string[], env: Record<string, string>): Promise<TimedRun> =>
  timedRun(['npx', 'zx', ...args], env, REPO_ROOT);

/** The baseline: plain BuildKit `docker build` of an exported context, with the same CA secret faaso passes. */
export function plainDockerBuild(
  dir: string,
  tag: string,
  noCache: boolean,
  buildCa: string | null,
): Promise<TimedRun> {
  return timedRun(
    dockerBuild({ context: dir, tag, labels: {}, noCache, secrets: buildCa ? { [CA_SECRET_ID]: buildCa } : {} }),
  );
}

export interface BenchProject {
  root: string;
  env: Record<string, string>;
  exportDir: (c: RuntimeCase) => string;
}

/**
 * A temp project whose templates are the real ones and whose functions are
 * copies of the examples under bench names. A per-run nonce in each handler
 * gives each run its own content hash, so the cold build also really pushes.
 */
export async function benchProject(
  sourceRoot: string,
  cases: readonly RuntimeCase[],
  nonce: string,
): Promise<BenchProject> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-bench-build-'));
  await fs.symlink(path.join(sourceRoot, 'templates'), path.join(root, 'templates'));
  await fs.symlink(path.join(sourceRoot, 'images'), path.join(root, 'images'));
  for (const c of cases) {
    const dir = path.join(root, 'functions', benchName(c));
    await fs.copy(path.join(sourceRoot, 'functions', c.source), dir);
    await fs.appendFile(path.join(dir, c.handler), changeLine(c, 'run', nonce));
  }
  return {
    root,
    env: { FAASO_ROOT: root, FAASO_VERBOSE: '' },
    exportDir: (c) => path.join(root, 'exported', benchName(c)),
  };
}

/** Appends the one-line change to the function's handler. */
export const changeFunction = (p: BenchProject, c: RuntimeCase, line: string): Promise<void> =>
  fs.appendFile(path.join(p.root, 'functions', benchName(c), c.handler), line);

/** Appends the one-line change to an exported context (its function/ tree and, if shipped, app/). */
export async function changeExport(dir: string, c: RuntimeCase, line: string): Promise<void> {
  for (const sub of ['function', 'app']) {
    const file = path.join(dir, sub, c.handler);
    if (await fs.pathExists(file)) await fs.appendFile(file, line);
  }
}

/**
 * Everything `scripts/build.mjs NAME` does after node has started, timed inside
 * this process: node+tsx startup is measured apart (the CLI figure).
 */
export async function noChangeInProcess(
  root: string,
  name: string,
  profile: BuildProfile,
): Promise<{ ms: number; status: string }> {
  const start = performance.now();
  const env = { ...process.env, FAASO_ROOT: root, FAASO_BUILD_PROFILE: profile };
  const settings = resolveSettings(env, (p) => fs.existsSync(p));
  await ensureEngine({ buildx: false });
  await ensureRegistry(settings, () => {});
  const templates = await loadTemplates(root);
  const [spec] = await loadFunctions(root, [name], templates);
  const r = await buildFunction(
    spec!,
    templates.get(spec!.runtime)!,
    settings,
    { test: true, push: true, noCache: false },
    () => {},
  );
  return { ms: performance.now() - start, status: r.status };
}

/** Removes the bench's local images, its tags in the registry, and its temp project. */
export async function cleanupBench(p: BenchProject, registry: string, baselineRepo: string): Promise<void> {
  const references = [`${registry}/faaso-bench-*`, `${baselineRepo}/*`];
  // Tags first; then what is left by id: a --no-cache rebuild of the same hash
  // leaves the pushed older image as `repo:<none>`, which no tag names.
  const tags = await localImages('{{.Repository}}:{{.Tag}}', references);
  await removeImages(tags.filter((t) => !t.endsWith(':<none>')));
  await removeImages(await localImages('{{.ID}}', references));
  await deleteRepositoryTags(registry, (repo) => repo.startsWith('faaso-bench-'));
  await fs.remove(p.root);
}
