// The stack's generated files: compose/docker-compose.yml and compose/.env (or,
// on Swarm, compose/stack.yml) and the two Caddyfiles in compose/caddy/,
// rendered from the plan, checked by Caddy itself before anyone writes them,
// and written atomically.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { COMPOSE_FILE, type CaddyTarget, type ComposeTarget } from './argv.ts';
import type { PreparedStack } from './prepare.ts';
import { adaptCaddyfile, validateCaddyfile, type ValidateResult } from './proxy.ts';
import { PORTS_CADDYFILE, renderCaddyfile, renderPortsCaddyfile, ROUTES_CADDYFILE } from './render/caddyfile.ts';
import { renderCompose, renderComposeEnv } from './render/compose.ts';
import { authFolder } from './render/secrets.ts';
import { PROXY_AUTH_DIR } from '../secrets/rules.ts';
import { renderSwarmStack, STACK_YML } from './render/swarm.ts';
import { tlsCheckMounts } from './render/proxy-tls.ts';
import { BOOTSTRAP_JSON, bootstrapJson, ROUTES_JSON, routesJson } from './render/swarm-routes.ts';
import type { StackPlan } from './types.ts';

interface Caddyfiles {
  /** The routes (the proxy's config). */
  caddyfile: string;
  /** The functions' own ports (the ports listener's config). */
  ports: string;
}

/** One engine: compose's files. */
export interface StackFiles extends Caddyfiles {
  compose: string;
  env: string;
}

/**
 * A Swarm: the stack file for `docker stack deploy`, and what the proxies load
 * their routes from (render/swarm-routes.ts): Caddy's JSON of the routes
 * Caddyfile, and the proxies' fixed bootstrap config.
 */
export interface SwarmFiles extends Caddyfiles {
  stack: string;
  routesJson: string;
  bootstrap: string;
}

export type FileKey = keyof StackFiles | keyof SwarmFiles;
export type GeneratedFiles = Partial<Record<FileKey, string>>;

/** Where each file lives, relative to the compose folder. */
const FILE_PATHS: Record<FileKey, string> = {
  compose: COMPOSE_FILE,
  env: '.env',
  stack: STACK_YML,
  routesJson: path.join('caddy', ROUTES_JSON),
  bootstrap: path.join('caddy', BOOTSTRAP_JSON),
  caddyfile: path.join('caddy', ROUTES_CADDYFILE),
  ports: path.join('caddy', PORTS_CADDYFILE),
};

export type CaddyCheck = (text: string) => Promise<ValidateResult>;

/**
 * How `up` has Caddy check a Caddyfile. Inside the running proxy when there is
 * one (`docker exec`: no container to create and remove); a text already
 * checked in this run is not checked again, and neither are the `loaded` texts
 * the running proxies serve (faaso wrote them only after Caddy accepted them).
 * Before, every `up` paid a throwaway `docker run` (0.5-1 s here) even when
 * nothing changed, and a redeploy paid two (deploy bench).
 */
export function caddyChecker(target: CaddyTarget, loaded: readonly (string | undefined)[] = []): CaddyCheck {
  const seen = new Map<string, Promise<ValidateResult>>();
  for (const text of loaded) if (text !== undefined) seen.set(text, Promise.resolve({ ok: true }));
  return (text) => {
    let verdict = seen.get(text);
    if (!verdict) {
      verdict = validateCaddyfile(target, text);
      seen.set(text, verdict);
    }
    return verdict;
  };
}

/** A throwaway proxy of this stack's image, with the user's certificate files where the proxy reads them. */
/** Both Caddyfiles, checked by Caddy before anyone writes them. */
async function checkedCaddyfiles(plan: StackPlan, check: CaddyCheck): Promise<Caddyfiles> {
  const caddyfile = renderCaddyfile(plan);
  const ports = renderPortsCaddyfile(plan);
  for (const [text, what] of [
    [caddyfile, ROUTES_CADDYFILE],
    [ports, PORTS_CADDYFILE],
  ] as const) {
    const verdict = await check(text);
    if (!verdict.ok) {
      throw new UserError(
        `Caddy rejects the generated ${what}: ${verdict.error}`,
        'nothing was changed; the running proxy keeps its current routes',
      );
    }
  }
  return { caddyfile, ports };
}

/**
 * Caddy checks in a throwaway container of `image`, with what the config names
 * mounted where the proxies have it: the user's certificate files (proxy.tls),
 * which Caddy loads to validate, and the auth files basic_auth reads.
 */
export function imageCheck(plan: StackPlan, root: string, image = plan.proxy.image): CaddyTarget {
  const auth = authFolder(plan, 'proxy') ?? authFolder(plan, 'ports');
  const authMount = auth ? ['-v', `${auth}:${PROXY_AUTH_DIR}:ro`] : [];
  return { image, mounts: [...tlsCheckMounts(plan.proxy.tls, root), ...authMount] };
}

/** Renders the compose stack's files. */
export async function renderStack(
  s: PreparedStack,
  check: CaddyCheck = caddyChecker(imageCheck(s.plan, s.settings.root)),
): Promise<StackFiles> {
  const caddyfiles = await checkedCaddyfiles(s.plan, check);
  return { compose: renderCompose(s.plan), env: renderComposeEnv(s.plan), ...caddyfiles };
}

/** Caddy's JSON of a routes Caddyfile. */
export type CaddyAdapt = (caddyfile: string) => Promise<string>;

export function caddyAdapter(target: CaddyTarget): CaddyAdapt {
  return async (text) => {
    const r = await adaptCaddyfile(target, text);
    if (!r.ok)
      throw new UserError(`Caddy cannot adapt the generated ${ROUTES_CADDYFILE}: ${r.error}`, 'nothing was changed');
    return r.json;
  };
}

/**
 * Renders the Swarm stack's files. The routes' JSON is Caddy's own adaptation
 * of the checked Caddyfile; an unchanged Caddyfile keeps the JSON made from it
 * before (`previous`), so an `up` with nothing to change runs no Caddy.
 */
export async function renderSwarmFiles(
  plan: StackPlan,
  check: CaddyCheck,
  adapt: CaddyAdapt,
  previous: GeneratedFiles = {},
): Promise<SwarmFiles> {
  const caddyfiles = await checkedCaddyfiles(plan, check);
  const reuse = previous.caddyfile === caddyfiles.caddyfile && previous.routesJson !== undefined;
  const routes = reuse ? previous.routesJson! : routesJson(await adapt(caddyfiles.caddyfile));
  return { stack: renderSwarmStack(plan, routes), routesJson: routes, bootstrap: bootstrapJson(), ...caddyfiles };
}

/** The files as they are now, for comparing and putting back (absent ones undefined). */
export async function readStackFiles(target: ComposeTarget): Promise<GeneratedFiles> {
  const out: GeneratedFiles = {};
  for (const [key, rel] of Object.entries(FILE_PATHS) as [FileKey, string][]) {
    const text = await fs.readFile(path.join(target.dir, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

/** Each file appears whole or not at all (tmp + rename); compose/caddy/ is the folder the proxies mount. */
export async function writeStackFiles(target: ComposeTarget, files: GeneratedFiles): Promise<void> {
  await fs.mkdir(path.join(target.dir, 'caddy'), { recursive: true });
  for (const [key, rel] of Object.entries(FILE_PATHS) as [FileKey, string][]) {
    const text = files[key];
    if (text !== undefined) await writeFileAtomic(path.join(target.dir, rel), text);
  }
}

/** Files of the other target, which describe nothing that runs once this one is deployed. */
export async function removeStackFiles(target: ComposeTarget, keys: readonly FileKey[]): Promise<void> {
  for (const key of keys) await fs.rm(path.join(target.dir, FILE_PATHS[key]), { force: true });
}
