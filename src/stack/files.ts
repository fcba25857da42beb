// The stack's generated files: compose/docker-compose.yml, compose/.env and the
// two Caddyfiles in compose/caddy/, rendered from the plan, checked by Caddy
// itself before anyone writes them, and written atomically.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { COMPOSE_FILE, type CaddyTarget, type ComposeTarget } from './argv.ts';
import type { PreparedStack } from './prepare.ts';
import { validateCaddyfile, type ValidateResult } from './proxy.ts';
import { PORTS_CADDYFILE, renderCaddyfile, renderPortsCaddyfile, ROUTES_CADDYFILE } from './render/caddyfile.ts';
import { renderCompose, renderComposeEnv } from './render/compose.ts';

export interface StackFiles {
  compose: string;
  env: string;
  /** The routes (the proxy's config). */
  caddyfile: string;
  /** The functions' own ports (the ports listener's config). */
  ports: string;
}

/** Where each file lives, relative to the compose folder. */
const FILE_PATHS: Record<keyof StackFiles, string> = {
  compose: COMPOSE_FILE,
  env: '.env',
  caddyfile: path.join('caddy', ROUTES_CADDYFILE),
  ports: path.join('caddy', PORTS_CADDYFILE),
};

export type CaddyCheck = (text: string) => Promise<ValidateResult>;

/**
 * How `up` has Caddy check a Caddyfile. Inside the running proxy when there is
 * one (`docker exec`: no container to create and remove); a text already
 * checked in this run is not checked again, and neither is `loaded`, the text
 * the running proxy serves (faaso wrote it only after Caddy accepted it).
 * Before, every `up` paid a throwaway `docker run` (0.5-1 s here) even when
 * nothing changed, and a redeploy paid two (deploy bench).
 */
export function caddyChecker(target: CaddyTarget, loaded?: string): CaddyCheck {
  const seen = new Map<string, Promise<ValidateResult>>();
  if (loaded !== undefined) seen.set(loaded, Promise.resolve({ ok: true }));
  return (text) => {
    let verdict = seen.get(text);
    if (!verdict) {
      verdict = validateCaddyfile(target, text);
      seen.set(text, verdict);
    }
    return verdict;
  };
}

/** Renders the stack's files; both Caddyfiles are checked by Caddy before anyone writes them. */
export async function renderStack(
  s: PreparedStack,
  check: CaddyCheck = caddyChecker({ image: s.plan.proxy.image }),
): Promise<StackFiles> {
  const caddyfile = renderCaddyfile(s.plan);
  const ports = renderPortsCaddyfile(s.plan);
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
  return { compose: renderCompose(s.plan), env: renderComposeEnv(s.plan), caddyfile, ports };
}

/** The files as they are now, for comparing and putting back (absent ones undefined). */
export async function readStackFiles(target: ComposeTarget): Promise<Partial<StackFiles>> {
  const out: Partial<StackFiles> = {};
  for (const [key, rel] of Object.entries(FILE_PATHS) as [keyof StackFiles, string][]) {
    const text = await fs.readFile(path.join(target.dir, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

/** Each file appears whole or not at all (tmp + rename); compose/caddy/ is the folder the proxies mount. */
export async function writeStackFiles(target: ComposeTarget, files: Partial<StackFiles>): Promise<void> {
  await fs.mkdir(path.join(target.dir, 'caddy'), { recursive: true });
  for (const [key, rel] of Object.entries(FILE_PATHS) as [keyof StackFiles, string][]) {
    const text = files[key];
    if (text !== undefined) await writeFileAtomic(path.join(target.dir, rel), text);
  }
}
