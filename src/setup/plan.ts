// Pure decisions: probe results in, the actions to take out (or a UserError that
// says what to install and how, when this host is not one we can fix ourselves).
import { UserError } from '../errors.ts';
import type { EngineFacts, PluginFacts } from './facts.ts';

export type EngineAction =
  /**
   * apt-get update, then install `packages` plus the docker client: Debian's
   * `docker-cli` where apt has it (trixie and later split the `docker` command
   * out of docker.io, and only recommend it), else docker.io, which carries it.
   */
  | { kind: 'apt-install'; packages: string[]; client: boolean }
  | { kind: 'start-dockerd'; dockerd: string }
  | { kind: 'wait' };

const ENGINE_DOCS = 'https://docs.docker.com/engine/install/';
const RERUN = 're-run `npx zx scripts/setup.mjs`';

export const INSTALL_ENGINE_HINT =
  `install Docker Engine with the compose and buildx plugins — on Debian/Ubuntu as root: \`apt-get install docker.io docker-cli\` ` +
  `(docker-cli exists from Debian trixie on; this script then adds the plugins), elsewhere follow ${ENGINE_DOCS} (packages docker-ce, docker-ce-cli, ` +
  `containerd.io, docker-buildx-plugin, docker-compose-plugin) — then start it and ${RERUN}`;

/** The package that gives the `docker` command: docker-cli where the archive has it (trixie+), else docker.io. */
export function clientPackage(dockerCliAvailable: boolean): string {
  return dockerCliAvailable ? 'docker-cli' : 'docker.io';
}

/** Why the docker command is still missing after an install (with what apt complained about), and what to do. */
export function missingClientError(
  installed: readonly string[],
  aptSaid: readonly string[] = [],
): { message: string; hint: string } {
  const said = aptSaid.length > 0 ? `; apt-get said:\n${aptSaid.map((l) => `  ${l}`).join('\n')}` : '';
  return {
    message: `the \`docker\` command is still missing after installing ${installed.join(', ')} (dockerd alone cannot be driven)${said}`,
    hint:
      'on Debian trixie and later the client is its own package: `apt-get install docker-cli` (docker.io only recommends it, and ' +
      `installs without Recommends skip it); elsewhere install your distribution's docker client, then ${RERUN}`,
  };
}

/**
 * Never plans a second dockerd: a running one (started by systemd, a previous
 * run, or the package's postinst) is only waited for. A missing `docker`
 * command is installed, not waited for: without it nothing can answer.
 */
export function planEngine(f: EngineFacts): EngineAction[] {
  if (f.answers) return [];
  const why = f.infoError ? ` (${f.infoError})` : '';
  const canInstall = f.debian && f.root;
  if (f.cli && f.dockerdRunning) return [{ kind: 'wait' }];
  if (f.cli && f.dockerd) {
    if (f.root) return [{ kind: 'start-dockerd', dockerd: f.dockerd }, { kind: 'wait' }];
    throw new UserError(
      `Docker Engine is installed but does not answer${why}`,
      'start it as root (`sudo systemctl start docker`, or run `sudo npx zx scripts/setup.mjs`), and make sure this user may use ' +
        '/var/run/docker.sock (add it to the docker group, then log in again)',
    );
  }
  if (!f.cli && f.dockerd && canInstall) {
    // The daemon is there (maybe running): only the client is missing.
    const start: EngineAction[] = f.dockerdRunning ? [] : [{ kind: 'start-dockerd', dockerd: f.dockerd }];
    return [{ kind: 'apt-install', packages: [], client: true }, ...start, { kind: 'wait' }];
  }
  if (!f.cli && f.dockerd) {
    throw new UserError(
      `dockerd is installed${f.dockerdRunning ? ' and running' : ''} but the \`docker\` command is not on PATH`,
      f.debian
        ? `run this as root to install it (\`sudo npx zx scripts/setup.mjs\`), or install it yourself: \`apt-get install docker-cli\` (Debian trixie and later; docker.io only recommends it) and ${RERUN}`
        : `install your distribution's docker client (docker-ce-cli, see ${ENGINE_DOCS}), then ${RERUN}`,
    );
  }
  const missing = [!f.cli && 'the docker client', !f.dockerd && 'dockerd'].filter(Boolean).join(' and ');
  if (canInstall) {
    const start: EngineAction[] = f.dockerdRunning ? [] : [{ kind: 'start-dockerd', dockerd: '/usr/sbin/dockerd' }];
    return [{ kind: 'apt-install', packages: ['docker.io'], client: !f.cli }, ...start, { kind: 'wait' }];
  }
  if (f.debian) {
    throw new UserError(
      `Docker Engine is not installed (${missing} not found) and installing it needs root`,
      `run it as root: \`sudo npx zx scripts/setup.mjs\`, or ${INSTALL_ENGINE_HINT}`,
    );
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
      "install the docker-compose-plugin and docker-buildx-plugin packages from Docker's repository " +
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
