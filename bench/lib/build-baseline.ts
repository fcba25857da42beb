// Issue 13 holds the Crystal profiles to "today's --release build": the release
// build of the template as it was before the compiler moved to Crystal 1.21, when
// it was trixie's Crystal 1.14. The bench builds that image in its own project,
// from the template at that commit (git archive) and the same function source,
// under a bench name of its own, so it is measured beside the current profiles in
// the same run and removed with the bench's other images.
import fs from 'fs-extra';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { REPO_ROOT } from '../../src/settings.ts';
import { faasoScript, type BenchProject } from './build-steps.ts';
import { benchName, type RuntimeCase } from './build-plan.ts';

/** The last commit whose Crystal template used trixie's Crystal 1.14. */
export const CRYSTAL_BASELINE_REV = '5fe6500';
export const CRYSTAL_BASELINE_LABEL = `Crystal 1.14 --release (the template at ${CRYSTAL_BASELINE_REV})`;
/** Starts with faaso-bench-, so the bench's cleanup removes its images and registry tags. */
export const CRYSTAL_BASELINE_NAME = 'faaso-bench-hello-crystal114';

/**
 * Builds (and pushes) today's release of a crystal case and returns it to be
 * measured; undefined for other runtimes, or (said through `say`) when it cannot
 * be built here (no git history in this copy of faaso, say): the bench then
 * compares the profiles with each other only.
 */
export async function crystalBaseline(
  p: BenchProject,
  c: RuntimeCase,
  registry: string,
  say: (line: string) => void,
): Promise<{ label: string; image: string } | undefined> {
  if (c.runtime !== 'crystal') return undefined;
  say(`${c.runtime}: building today's release (${CRYSTAL_BASELINE_LABEL})`);
  const built = await buildBaseline(p, c, registry);
  if ('skipped' in built) say(`no baseline: ${built.skipped}`);
  return 'image' in built ? { label: CRYSTAL_BASELINE_LABEL, image: built.image } : undefined;
}

async function buildBaseline(
  p: BenchProject,
  c: RuntimeCase,
  registry: string,
): Promise<{ image: string } | { skipped: string }> {
  const root = path.join(p.root, 'baseline-crystal114');
  const archive = path.join(p.root, 'baseline-crystal114.tar');
  await fs.mkdirp(root);
  const git = await run(['git', '-C', REPO_ROOT, 'archive', '-o', archive, CRYSTAL_BASELINE_REV, 'templates/crystal']);
  if (git.exitCode !== 0) return { skipped: `git archive ${CRYSTAL_BASELINE_REV}: ${git.stderr.trim()}` };
  const tar = await run(['tar', '-xf', archive, '-C', root]);
  if (tar.exitCode !== 0) return { skipped: `tar: ${tar.stderr.trim()}` };
  await fs.symlink(path.join(REPO_ROOT, 'images'), path.join(root, 'images'));
  // The same source as the release case's, with its nonce and one-line change.
  await fs.copy(path.join(p.root, 'functions', benchName(c)), path.join(root, 'functions', CRYSTAL_BASELINE_NAME));
  const r = await faasoScript('build', [CRYSTAL_BASELINE_NAME], {
    ...p.env,
    FAASO_ROOT: root,
    FAASO_BUILD_PROFILE: 'release',
  });
  if (r.code !== 0) {
    const tail = (r.stdout + r.stderr).trim().split('\n').slice(-5).join('\n');
    throw new Error(`bench: building the Crystal 1.14 baseline failed:\n${tail}`);
  }
  return { image: `${registry}/${CRYSTAL_BASELINE_NAME}:latest` };
}
