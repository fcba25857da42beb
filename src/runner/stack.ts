// From faaso.yml to the exact files of the stack: load and validate, build what
// is missing or stale (tests must pass), plan, render, and check the Caddyfile
// with Caddy itself — all before anything running is touched.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../settings.ts';
import { parseRegistry } from '../settings.ts';
import { UserError } from '../errors.ts';
import { imageInfo } from '../docker/engine.ts';
import { loadFunctions } from '../function/load.ts';
import { buildFunction, planFunction, summaryLine } from '../build/build.ts';
import { ensureRegistry } from '../registry/registry.ts';
import { ensureInfraImage } from '../images/infra.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Project } from '../cli/context.ts';
import type { ComposeTarget } from './argv.ts';
import { COMPOSE_FILE } from './argv.ts';
import { loadStackConfig } from './config.ts';
import { planStack, type FunctionImage } from './plan.ts';
import { renderCompose, renderComposeEnv, type ComposeOptions } from './compose.ts';
import { renderCaddyfile, type CaddyfileOptions } from './caddyfile.ts';
import { validateCaddyfile } from './proxy.ts';
import type { StackConfig, StackPlan } from './types.ts';

export interface PreparedStack {
  config: StackConfig;
  plan: StackPlan;
  settings: Settings;
  target: ComposeTarget;
}

export interface StackFiles {
  compose: string;
  env: string;
  caddyfile: string;
}

type Log = (line: string) => void;

export function composeTarget(settings: Settings): ComposeTarget {
  return { dir: path.join(settings.root, 'compose'), project: settings.project };
}

/** Loads faaso.yml and the routed functions; builds them when `build` is set, else requires their images. */
export async function prepareStack(project: Project, opts: { build: boolean }, log: Log): Promise<PreparedStack> {
  let settings = project.settings;
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  if (config.registry !== settings.registry) {
    // faaso.yml names the registry the stack pulls from; builds must push there too.
    settings = { ...settings, registry: config.registry, registryManaged: parseRegistry(config.registry).loopback };
  }
  const specs = await loadFunctions(settings.root, config.functions.map((f) => f.name), project.templates);
  if (opts.build) await ensureRegistry(settings, log);
  const images = new Map<string, FunctionImage>();
  for (const spec of specs) {
    const template = project.templates.get(spec.runtime)!;
    let image: string;
    let hash: string;
    if (opts.build) {
      const result = await buildFunction(spec, template, settings, { test: true, push: true, noCache: false }, log);
      log(summaryLine(result));
      image = result.image;
      hash = image.slice(image.lastIndexOf(':') + 1);
    } else {
      const plan = await planFunction(spec, template, settings);
      if (!(await imageInfo(plan.image.hashRef))) {
        throw new UserError(`${spec.name} is not built for its current sources (no image ${plan.image.hashRef})`, `build it: npx zx scripts/build.mjs ${spec.name} (or use up.mjs, which builds)`);
      }
      image = plan.image.hashRef;
      hash = plan.hash;
    }
    images.set(spec.name, { image, hash, healthcheck: template.healthcheck });
  }
  const proxyImage = await ensureInfraImage(settings.root, 'caddy', log);
  const plan = { ...planStack(config, images, proxyImage), project: settings.project };
  return { config, plan, settings, target: composeTarget(settings) };
}

/** Renders the stack's files; the Caddyfile is checked by Caddy before anyone writes it. */
export async function renderStack(s: PreparedStack, opts: { compose?: ComposeOptions; caddy?: CaddyfileOptions } = {}): Promise<StackFiles> {
  const caddyfile = renderCaddyfile(s.plan, opts.caddy);
  const verdict = await validateCaddyfile({ image: s.plan.proxy.image }, caddyfile);
  if (!verdict.ok) {
    throw new UserError(`Caddy rejects the generated Caddyfile: ${verdict.error}`, 'nothing was changed; the running proxy keeps its current routes');
  }
  return { compose: renderCompose(s.plan, opts.compose), env: renderComposeEnv(s.plan), caddyfile };
}

/** Each file appears whole or not at all (tmp + rename); the Caddyfile's folder is what the proxy mounts. */
export async function writeStackFiles(target: ComposeTarget, files: Partial<StackFiles>): Promise<void> {
  await fs.mkdir(path.join(target.dir, 'caddy'), { recursive: true });
  if (files.caddyfile !== undefined) await writeFileAtomic(path.join(target.dir, 'caddy', 'Caddyfile'), files.caddyfile);
  if (files.env !== undefined) await writeFileAtomic(path.join(target.dir, '.env'), files.env);
  if (files.compose !== undefined) await writeFileAtomic(path.join(target.dir, COMPOSE_FILE), files.compose);
}
