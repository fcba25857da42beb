// The builder's shell: for each function, plan (pure), then build → test →
// promote → push. A candidate tag holds the fresh image until its tests pass, so
// a failing build or test never replaces the image that runs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import type { Settings } from '../settings.ts';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { withCleanup } from '../exec/cleanup.ts';
import { dockerBuild, dockerPush, dockerRmi, dockerTag } from '../docker/argv.ts';
import { ensureBuildx, formatBytes, imageInfo, imageInfos, runOrFail, type ImageInfo } from '../docker/engine.ts';
import { ensureBaseImage } from '../base/ensure.ts';
import { copyManifestTag, manifestDigest } from '../registry/api.ts';
import { runTestsAgainstImage } from '../testing/run-tests.ts';
import { listContextFiles, listFiles } from '../function/load.ts';
import { CA_SECRET_ID } from './dockerfile-vars.ts';
import { planBuild, type BuildPlan } from './plan.ts';
import { makeTempContext, readSourceFiles, writeContext } from './context.ts';
import { runPool, type Settled } from '../util/pool.ts';

export interface BuildOptions {
  test: boolean;
  push: boolean;
  noCache: boolean;
  /** Prefix for each line of docker's streamed output, when builds share the terminal. */
  prefix?: string;
}

export interface BuildResult {
  name: string;
  image: string;
  status: 'built' | 'up to date';
  seconds: number;
  size: number;
  tests: string;
  pushed: boolean;
}

type Log = (line: string) => void;

/** Reads everything the pure planner needs from disk and plans one function. */
export async function planFunction(spec: FunctionSpec, template: TemplateMeta, settings: Settings): Promise<BuildPlan> {
  const [templateFiles, functionFiles, dockerfileTemplate] = await Promise.all([
    listFiles(template.dir).then((rels) => readSourceFiles(template.dir, rels)),
    listContextFiles(spec).then((rels) => readSourceFiles(spec.dir, rels)),
    fs.readFile(path.join(template.dir, 'Dockerfile.hbs'), 'utf8'),
  ]);
  return planBuild({
    spec,
    template,
    dockerfileTemplate,
    templateFiles,
    functionFiles,
    registry: settings.registry,
    baseImage: settings.baseImage,
    profile: settings.buildProfile,
  });
}

async function pushIfMissing(plan: BuildPlan, settings: Settings, log: Log): Promise<boolean> {
  const repo = plan.image.repo.slice(settings.registry.length + 1);
  const [hashDigest, latestDigest] = await Promise.all([
    manifestDigest(settings.registry, repo, plan.hash),
    manifestDigest(settings.registry, repo, 'latest'),
  ]);
  if (hashDigest && hashDigest === latestDigest) return false;
  const push = async (ref: string): Promise<void> => {
    log(`${plan.name}: pushing ${ref}`);
    await runOrFail(dockerPush(ref), `docker push ${ref}`, `check the registry: npx zx scripts/registry.mjs status`);
  };
  await push(plan.image.hashRef);
  // `latest` is the same image: the registry can tag it without a second push.
  if (!(await copyManifestTag(settings.registry, repo, plan.hash, 'latest'))) await push(plan.image.latestRef);
  return true;
}

// Only a real build needs BuildKit and the base image: an up-to-date run skips
// both checks, and concurrent builds share one check (and one base image build).
// The base image must be there before a build starts. The buildx check (`docker
// buildx version`, ~0.2 s) runs beside the first build instead of before it, and
// is read only to explain a build that failed.
let baseImage: Promise<void> | undefined;
let buildx: Promise<unknown> | undefined;
function ensureBuildPrereqs(log: Log): { base: Promise<void>; buildx: Promise<unknown> } {
  buildx ??= ensureBuildx().then(
    () => null,
    (err: unknown) => err,
  );
  baseImage ??= ensureBaseImage({ log }).then(() => undefined);
  return { base: baseImage, buildx };
}

/** What is known of a function before building it: its plan and one batched inspect of its hash tag. */
export interface Prefetched {
  plan: BuildPlan;
  existing: ImageInfo | null;
}

/**
 * Plans every function (file reads and hashing, `jobs` at a time), then asks
 * Docker about all their hash tags in one call: up-to-date functions then cost
 * no Docker call of their own. A function whose plan failed keeps its error, in
 * its own place, for its own outcome.
 */
export async function prefetch(
  specs: readonly FunctionSpec[],
  templates: ReadonlyMap<string, TemplateMeta>,
  settings: Settings,
  jobs: number,
): Promise<Settled<Prefetched>[]> {
  const plans = await runPool(specs, jobs, (spec) => planFunction(spec, templates.get(spec.runtime)!, settings));
  const infos = await imageInfos(plans.flatMap((p) => (p.ok ? [p.value.image.hashRef] : [])));
  return plans.map((p) =>
    p.ok ? { ok: true, value: { plan: p.value, existing: infos.get(p.value.image.hashRef) ?? null } } : p,
  );
}

export async function buildFunction(
  spec: FunctionSpec,
  template: TemplateMeta,
  settings: Settings,
  opts: BuildOptions,
  log: Log,
  pre?: Prefetched,
): Promise<BuildResult> {
  const started = Date.now();
  const plan = pre?.plan ?? (await planFunction(spec, template, settings));
  const done = async (status: BuildResult['status'], tests: string, known: ImageInfo | null): Promise<BuildResult> => {
    // `latest` follows the newest good build, also when an older hash comes back;
    // an up-to-date image's inspect already says whether it points here, which
    // saves a docker call. Tagging, the size of a new image and the push go side
    // by side: none needs another's answer.
    const tagLatest =
      known?.tags.includes(plan.image.latestRef) === true
        ? null
        : runOrFail(dockerTag(plan.image.hashRef, plan.image.latestRef), 'docker tag');
    const [info, pushed] = await Promise.all([
      known ?? imageInfo(plan.image.hashRef),
      opts.push ? pushIfMissing(plan, settings, log) : false,
      tagLatest,
    ]);
    return {
      name: spec.name,
      image: plan.image.hashRef,
      status,
      seconds: (Date.now() - started) / 1000,
      size: info?.size ?? 0,
      tests,
      pushed,
    };
  };

  if (!opts.noCache) {
    const existing = pre ? pre.existing : await imageInfo(plan.image.hashRef);
    if (existing) return done('up to date', 'passed before', existing);
  }

  const prereqs = ensureBuildPrereqs(log);
  await prereqs.base;
  const context = await makeTempContext(spec.name);
  await withCleanup(
    () => fs.rm(context, { recursive: true, force: true }),
    async () => {
      await writeContext(plan, context);
      log(`${spec.name}: building ${plan.image.hashRef} (${spec.runtime})`);
      const secrets: Record<string, string> = settings.buildCa ? { [CA_SECRET_ID]: settings.buildCa } : {};
      const argv = dockerBuild({
        context,
        tag: plan.image.candidateRef,
        labels: plan.labels,
        noCache: opts.noCache,
        secrets,
      });
      const r = await run(argv, { stream: true, prefix: opts.prefix });
      const noBuildx = await prereqs.buildx;
      if (r.exitCode !== 0) throw noBuildx ?? buildFailure(spec.name, r.stdout + r.stderr, settings.buildCa);
    },
  );

  let tests = 'skipped (--no-test)';
  // The test container's removal, which runs beside the promotion.
  let removed: Promise<unknown> = Promise.resolve();
  if (opts.test) {
    if (spec.tests.length === 0) tests = 'none defined';
    else {
      log(`${spec.name}: running ${spec.tests.length} test(s) against the new image`);
      const report = await runTestsAgainstImage(spec, plan.image.candidateRef, log, (p) => (removed = p)).catch(
        async (err) => {
          await run(dockerRmi(plan.image.candidateRef));
          throw err;
        },
      );
      if (report.failed > 0) {
        // The candidate is the image's only tag: it goes once no container uses it.
        await removed;
        await run(dockerRmi(plan.image.candidateRef));
        throw new UserError(
          `${spec.name}: ${report.failed} of ${report.outcomes.length} test(s) failed; nothing was tagged or pushed, the previous image is unchanged`,
          `fix the function or its tests in ${spec.file}, then run the build again`,
        );
      }
      tests = `${report.passed}/${report.outcomes.length} passed`;
    }
  }
  await runOrFail(dockerTag(plan.image.candidateRef, plan.image.hashRef), 'docker tag');
  // The hash tag now holds the image: dropping the candidate tag only untags it.
  const [result] = await Promise.all([done('built', tests, null), run(dockerRmi(plan.image.candidateRef)), removed]);
  return result;
}

/** TLS verification errors of npm, pip, git and curl inside a build stage. */
const TLS_ERROR =
  /SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate|unable to get local issuer certificate|CERTIFICATE_VERIFY_FAILED|server certificate verification failed/i;

/** A failed docker build: say why when the output shows it, and what to do. */
export function buildFailure(name: string, output: string, buildCa: string | null): UserError {
  const message = `${name}: docker build failed (see its output above); the previous image is unchanged`;
  if (TLS_ERROR.test(output)) {
    return new UserError(
      `${message}\na package manager in the build could not verify a TLS certificate (a TLS-intercepting proxy?)`,
      buildCa
        ? `the build stage trusts ${buildCa}; point FAASO_BUILD_CA at a PEM bundle that includes your proxy's CA`
        : "set FAASO_BUILD_CA to a PEM bundle that includes your proxy's CA (it reaches the build stage only, never the image)",
    );
  }
  return new UserError(
    message,
    `export the build context to debug it: npx zx scripts/export.mjs ${name} /tmp/${name}-context`,
  );
}

export function summaryLine(r: BuildResult): string {
  const pushed = r.pushed ? ', pushed' : '';
  return `✓ ${r.name}: ${r.status} in ${r.seconds.toFixed(1)}s — ${r.image} (${formatBytes(r.size)}; tests ${r.tests}${pushed})`;
}
