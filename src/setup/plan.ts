// Pure decisions: probe results in, the actions to take out (or a UserError that
// says what to install and how, when this host is not one we can fix ourselves).
import { UserError } from '../errors.ts';
import type { EngineFacts, PluginFacts } from './facts.ts';

export type EngineAction =
  | { kind: 'apt-install'; packages: string[] }
  | { kind: 'start-dockerd'; dockerd: string }
  | { kind: 'wait' };

const ENGINE_DOCS = 'https://docs.docker.com/engine/install/';
const RERUN = 're-run `npx zx scripts/setup.mjs`';

export const INSTALL_ENGINE_HINT =
  `install Docker Engine with the compose and buildx plugins — on Debian/Ubuntu as root: \`apt-get install docker.io\` ` +
  `(this script then adds the plugins), elsewhere follow ${ENGINE_DOCS} (packages docker-ce, docker-ce-cli, containerd.io, ` +
  `docker-buildx-plugin, docker-compose-plugin) — then start it and ${RERUN}`;

export function planEngine(f: EngineFacts): EngineAction[] {
  if (f.answers) return [];
  const why = f.infoError ? ` (${f.infoError})` : '';
  if (f.cli && f.dockerdRunning) {
    // Started by someone else (systemd, a previous run) and maybe still coming up.
    return [{ kind: 'wait' }];
  }
  if (f.cli && f.dockerd) {
    if (f.root) return [{ kind: 'start-dockerd', dockerd: f.dockerd }, { kind: 'wait' }];
    throw new UserError(
      `Docker Engine is installed but does not answer${why}`,
      'start it as root (`sudo systemctl start docker`, or run `sudo npx zx scripts/setup.mjs`), and make sure this user may use ' +
        '/var/run/docker.sock (add it to the docker group, then log in again)',
    );
  }
  const missing = [!f.cli && 'the docker client', !f.dockerd && 'dockerd'].filter(Boolean).join(' and ');
  if (f.debian && f.root) {
    // docker.io carries client and daemon; start-dockerd is a no-op if its postinst already started one.
    return [{ kind: 'apt-install', packages: ['docker.io'] }, { kind: 'start-dockerd', dockerd: '/usr/sbin/dockerd' }, { kind: 'wait' }];
  }
  if (f.debian) {
    throw new UserError(`Docker Engine is not installed (${missing} not found) and installing it needs root`, `run it as root: \`sudo npx zx scripts/setup.mjs\`, or ${INSTALL_ENGINE_HINT}`);
  }
  throw new UserError(`Docker Engine is not installed (${missing} not found)`, INSTALL_ENGINE_HINT);
}

/** Debian package names of the plugins that do not work, sorted. */
export function missingPlugins(f: Pick<PluginFacts, 'buildx' | 'compose'>): string[] {
  return [!f.buildx && 'docker-buildx', !f.compose && 'docker-compose'].filter((p): p is string => Boolean(p));
}

/** Packages to download for the missing plugins; [] when both work; UserError where apt cannot. */
export function planPlugins(f: PluginFacts): string[] {
  const packages = missingPlugins(f);
  if (packages.length === 0) return [];
  const names = packages.map((p) => p.replace('docker-', 'docker ')).join(' and ');
  if (!f.debian || !f.apt) {
    throw new UserError(
      `${names} ${packages.length === 1 ? 'is' : 'are'} missing (faaso builds with BuildKit and runs with compose v2)`,
      'install the docker-compose-plugin and docker-buildx-plugin packages from Docker\'s repository ' +
        `(${ENGINE_DOCS}), or download the binaries from https://github.com/docker/compose/releases and ` +
        'https://github.com/docker/buildx/releases into ~/.docker/cli-plugins/ as docker-compose and docker-buildx ' +
        `(chmod +x), then ${RERUN}`,
    );
  }
  return packages;
}

/**
 * Whether `docker build` must be aliased to buildx: clients before 23.0 (Debian's
 * docker.io 20.10) run the legacy builder, which rejects `RUN --mount` and
 * `--secret`; newer clients use buildx (BuildKit) by themselves.
 */
export function needsBuildxAlias(clientVersion: string, builderAlias: string | undefined): boolean {
  const major = Number(/^(\d+)\./.exec(clientVersion.trim())?.[1]);
  if (!Number.isFinite(major) || major >= 23) return false;
  return builderAlias !== 'buildx';
}

/** aliases.builder from the docker CLI's config.json text (absent or unreadable: undefined). */
export function builderAlias(configJson: string | null): string | undefined {
  if (!configJson) return undefined;
  try {
    const alias = (JSON.parse(configJson) as { aliases?: { builder?: unknown } }).aliases?.builder;
    return typeof alias === 'string' ? alias : undefined;
  } catch {
    return undefined;
  }
}
