// From faaso.yml to the exact files of the stack: load and validate, build what
// is missing or stale (tests must pass), plan, render, and check the Caddyfile
// with Caddy itself — all before anything running is touched.
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../settings.ts';
import { parseRegistry } from '../settings.ts';
import { UserError } from '../errors.ts';
import { loadFunctions } from '../function/load.ts';
import { prefetch } from '../build/build.ts';
import { buildMany, summarizeMany } from '../build/many.ts';
import { buildJobs } from '../util/pool.ts';
import type { FunctionSpec } from '../function/types.ts';
import { ensureRegistry } from '../registry/registry.ts';
import { ensureInfraImage } from '../images/infra.ts';
import type { Project } from '../project.ts';
import type { ComposeTarget } from './argv.ts';
import { loadStackConfig } from './config/load.ts';
import { planStack, type FunctionImage } from './plan.ts';
import { stackSecrets, type StackSecrets } from './secrets.ts';
import { pinImages } from './swarm/images.ts';
import type { StackConfig, StackPlan } from './types.ts';

export interface PreparedStack {
  config: StackConfig;
  /** On Swarm its images are pinned by digest in the registry (swarm/images.ts). */
  plan: StackPlan;
  settings: Settings;
  target: ComposeTarget;
  /** faaso's Caddy image on this engine (checks the Caddyfiles). */
  proxyImage: string;
  /** The secrets the stack uses: their values stay in memory until the deploy folder is written. */
  secrets: StackSecrets;
}

type Log = (line: string) => void;

export function composeTarget(settings: Settings): ComposeTarget {
  return { dir: path.join(settings.root, 'compose'), project: settings.project };
}

/**
 * Builds what is stale, several at once (FAASO_BUILD_JOBS): an up-to-date
 * function costs only a few Docker calls, and 30 of them one after the other
 * were most of `up`'s own time (deploy bench). The first failure, exactly as
 * raised, when only one function failed; else one error naming them all.
 */
async function buildImages(
  project: Project,
  specs: FunctionSpec[],
  settings: Settings,
  log: Log,
): Promise<Map<string, FunctionImage>> {
  const jobs = buildJobs(process.env, os.cpus().length);
  const outcomes = await buildMany(
    specs,
    project.templates,
    settings,
    { test: true, push: true, noCache: false },
    jobs,
    log,
  );
  const failed = outcomes.filter((o) => !o.result.ok);
  if (failed.length === 1 && !failed[0]!.result.ok) throw failed[0]!.result.error;
  const summary = summarizeMany(outcomes);
  for (const line of summary.lines) log(line);
  if (summary.internal !== undefined) throw summary.internal;
  if (failed.length > 0)
    throw new UserError(
      `${failed.length} of ${specs.length} function(s) failed to build:\n${summary.errors.join('\n')}`,
      'fix them, then run up again; the running stack was not touched',
    );
  const images = new Map<string, FunctionImage>();
  for (const [i, o] of outcomes.entries()) {
    if (!o.result.ok) continue;
    const image = o.result.value.image;
    images.set(o.name, {
      image,
      hash: image.slice(image.lastIndexOf(':') + 1),
      healthcheck: project.templates.get(specs[i]!.runtime)!.healthcheck,
    });
  }
  return images;
}

const secretsOf = (specs: readonly FunctionSpec[], name: string): string[] =>
  specs.find((s) => s.name === name)?.secrets ?? [];

/** Planning reads and hashes each function's files: a few at a time. */
const PLAN_JOBS = 4;

/** --no-build: every image must exist for the current sources (one batched inspect for all). */
async function requireImages(
  project: Project,
  specs: FunctionSpec[],
  settings: Settings,
): Promise<Map<string, FunctionImage>> {
  const known = await prefetch(specs, project.templates, settings, PLAN_JOBS);
  const found = known.map((r, i) => {
    if (!r.ok) throw r.error;
    return {
      spec: specs[i]!,
      plan: r.value.plan,
      template: project.templates.get(specs[i]!.runtime)!,
      exists: r.value.existing !== null,
    };
  });
  const missing = found.find((f) => !f.exists);
  if (missing) {
    throw new UserError(
      `${missing.spec.name} is not built for its current sources (no image ${missing.plan.image.hashRef})`,
      `build it: npx zx scripts/build.mjs ${missing.spec.name} (or use up.mjs, which builds)`,
    );
  }
  return new Map(
    found.map((f) => [
      f.spec.name,
      { image: f.plan.image.hashRef, hash: f.plan.hash, healthcheck: f.template.healthcheck },
    ]),
  );
}

/**
 * Loads faaso.yml (or `stackText`, an edit about to be saved) and the routed
 * functions; builds them when `build` is set, else requires their images.
 */
export async function prepareStack(
  project: Project,
  opts: { build: boolean; stackText?: string; only?: readonly string[] },
  log: Log,
): Promise<PreparedStack> {
  let settings = project.settings;
  const config = await loadStackConfig(settings.root, { registry: settings.registry, text: opts.stackText });
  if (config.registry !== settings.registry) {
    // faaso.yml names the registry the stack pulls from; builds must push there too.
    settings = { ...settings, registry: config.registry, registryManaged: parseRegistry(config.registry).loopback };
  }
  const specs = await loadFunctions(
    settings.root,
    config.functions.map((f) => f.name),
    project.templates,
  );
  const unknown = (opts.only ?? []).filter((n) => !specs.some((sp) => sp.name === n));
  if (unknown.length > 0)
    throw new UserError(
      `${config.file} routes no function ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
      `routed: ${specs.map((sp) => sp.name).join(', ')}`,
    );
  // Before any build: a secret not set fails `up` at once, naming where it is used.
  const secrets = await stackSecrets(settings, config, specs);
  // `only`: those are built (if stale), the others must already be built for their sources.
  const toBuild = opts.build ? specs.filter((sp) => !opts.only || opts.only.includes(sp.name)) : [];
  const rest = specs.filter((sp) => !toBuild.includes(sp));
  if (toBuild.length > 0) await ensureRegistry(settings, log);
  const built = new Map([
    ...(toBuild.length > 0 ? await buildImages(project, toBuild, settings, log) : []),
    ...(rest.length > 0 ? await requireImages(project, rest, settings) : []),
  ]);
  const images = new Map([...built].map(([name, img]) => [name, { ...img, secrets: secretsOf(specs, name) }]));
  // After the functions, not beside them: both may have to build the base image first.
  const proxyImage = await ensureInfraImage(settings.root, 'caddy', log);
  const planned = { ...planStack(config, images, proxyImage, secrets.plan), project: settings.project };
  const plan = config.target === 'swarm' ? await pinImages(planned, settings.registry, log) : planned;
  return { config, plan, settings, target: composeTarget(settings), proxyImage, secrets };
}
