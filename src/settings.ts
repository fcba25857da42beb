// Settings that come from the environment, resolved once per script (pure: takes
// the env and a file-exists probe so tests can drive it).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors.ts';

export interface Settings {
  /** Project root: holds functions/, templates/, compose/. */
  root: string;
  /** Registry address host:port that images are pushed to. */
  registry: string;
  /** Whether faaso runs the registry itself (a loopback address) or it is external. */
  registryManaged: boolean;
  /** CA bundle handed to build stages as a BuildKit secret, or null. */
  buildCa: string | null;
  /** Image every stage derives from. */
  baseImage: string;
  /** Compose project name of the stack (FAASO_PROJECT; tests use their own). */
  project: string;
  /** How compiled runtimes optimise (FAASO_BUILD_PROFILE): see BUILD_PROFILES. */
  buildProfile: BuildProfile;
}

/**
 * `release` (the default: what production should run) optimises the whole program
 * at once and is slow to rebuild; `fast` optimises module by module with a compile
 * cache kept between builds, for a quick edit loop at some throughput cost.
 * Interpreted runtimes build the same image for both.
 */
export const BUILD_PROFILES = ['release', 'fast'] as const;
export type BuildProfile = (typeof BUILD_PROFILES)[number];

export function parseBuildProfile(value: string | undefined): BuildProfile {
  const v = value?.trim() || 'release';
  if ((BUILD_PROFILES as readonly string[]).includes(v)) return v as BuildProfile;
  throw new UserError(
    `FAASO_BUILD_PROFILE: unknown profile ${JSON.stringify(v)}`,
    `use ${BUILD_PROFILES.join(' or ')} (release is the default)`,
  );
}

export const DEFAULT_REGISTRY = '127.0.0.1:5000';
export const DEFAULT_CA = '/etc/ssl/certs/ca-certificates.crt';
export const BASE_IMAGE = 'debian:trixie-slim';

// The first ancestor holding package.json: the same answer from src/ (run through
// tsx) and from the dist/ bundle the scripts load when it is fresh.
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/** faaso's own checkout (its scripts, templates, images), whatever FAASO_ROOT says. The one place that locates it. */
export const REPO_ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

const REGISTRY_RE = /^(?<host>[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:]+\]):(?<port>[0-9]{1,5})$/i;

export function parseRegistry(value: string): { host: string; port: number; loopback: boolean } {
  const m = REGISTRY_RE.exec(value);
  const port = Number(m?.groups?.port);
  if (!m?.groups || !(port >= 1 && port <= 65535)) {
    throw new UserError(
      `FAASO_REGISTRY: invalid registry address ${JSON.stringify(value)}`,
      'use host:port, e.g. 127.0.0.1:5000 (the default)',
    );
  }
  const host = m.groups.host!;
  const loopback = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
  return { host, port, loopback };
}

export function resolveSettings(env: NodeJS.ProcessEnv, exists: (p: string) => boolean): Settings {
  const registry = env.FAASO_REGISTRY?.trim() || DEFAULT_REGISTRY;
  const { loopback } = parseRegistry(registry);
  let buildCa: string | null = null;
  const ca = env.FAASO_BUILD_CA?.trim();
  if (ca === 'none') buildCa = null;
  else if (ca) {
    if (!exists(ca))
      throw new UserError(
        `FAASO_BUILD_CA: no such file ${JSON.stringify(ca)}`,
        'point it at a PEM CA bundle, or set FAASO_BUILD_CA=none',
      );
    buildCa = path.resolve(ca);
  } else if (exists(DEFAULT_CA)) {
    // The host's trust store is public data; handing it to build stages makes npm/pip
    // work behind TLS-intercepting proxies the host already trusts.
    buildCa = DEFAULT_CA;
  }
  const project = env.FAASO_PROJECT?.trim() || 'faaso';
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(project)) {
    throw new UserError(
      `FAASO_PROJECT: invalid compose project name ${JSON.stringify(project)}`,
      'use lower-case letters, digits, "-" and "_"',
    );
  }
  return {
    project,
    root: path.resolve(env.FAASO_ROOT?.trim() || REPO_ROOT),
    registry,
    registryManaged: loopback,
    buildCa,
    baseImage: BASE_IMAGE,
    buildProfile: parseBuildProfile(env.FAASO_BUILD_PROFILE),
  };
}
