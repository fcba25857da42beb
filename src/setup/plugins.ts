// Adds the compose v2 and buildx CLI plugins when `docker compose` / `docker buildx`
// do not work: downloads Debian trixie's packages with a throwaway apt state (the
// system's sources and lists are never touched), unpacks them with dpkg -x and
// copies the binaries into the user's plugin dir. On clients older than 23.0 it
// also aliases `docker build` to buildx, so builds get BuildKit (RUN --mount,
// --secret). Silent when all is in place.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import {
  DEB_PLUGIN_DIR,
  buildxInstall,
  clientVersion,
  PLUGIN_SUITE,
  aptScratch,
  dpkgExtract,
  parseDebName,
  scratchDownload,
  scratchSourcesList,
  scratchUpdate,
  userConfigDir,
  userPluginDir,
} from './argv.ts';
import { builderAlias, missingPlugins, needsBuildxAlias, planPlugins } from './plan.ts';
import { probePlugins } from './probe.ts';
import { defaultLog, runChecked, seconds, timed, type Log } from './steps.ts';

export interface PluginOptions {
  log?: Log;
  /** Environment for the docker CLI and the plugin dir (HOME, DOCKER_CONFIG); defaults to process.env. */
  env?: Record<string, string>;
}

const HINT = `check that http://deb.debian.org is reachable (the plugins come from Debian ${PLUGIN_SUITE}), then re-run \`npx zx scripts/setup.mjs\``;

/** Downloads and unpacks the packages; returns the installed plugin files and package versions. */
export async function installPlugins(
  packages: string[],
  pluginDir: string,
  root: boolean,
): Promise<{ files: string[]; versions: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-plugins-'));
  try {
    const s = aptScratch(dir);
    await fs.writeFile(s.sourcesList, scratchSourcesList());
    await fs.mkdir(path.join(s.lists, 'partial'), { recursive: true });
    await fs.mkdir(path.join(s.cache, 'archives', 'partial'), { recursive: true });
    await runChecked(scratchUpdate(s, root), `apt-get update (Debian ${PLUGIN_SUITE}, scratch lists)`, HINT, {
      timeoutMs: 5 * 60_000,
    });
    await runChecked(scratchDownload(s, root, packages), `downloading ${packages.join(', ')}`, HINT, {
      cwd: dir,
      timeoutMs: 10 * 60_000,
    });

    const debs = (await fs.readdir(dir)).filter((f) => f.endsWith('.deb')).sort();
    const extracted = path.join(dir, 'x');
    for (const deb of debs) await runChecked(dpkgExtract(path.join(dir, deb), extracted), `unpacking ${deb}`, HINT);

    const from = path.join(extracted, DEB_PLUGIN_DIR);
    const files = (await fs.readdir(from).catch(() => [] as string[])).sort();
    if (files.length === 0)
      throw new UserError(`the downloaded packages hold no CLI plugins under /${DEB_PLUGIN_DIR}`, HINT);
    await fs.mkdir(pluginDir, { recursive: true });
    for (const f of files) {
      // Copy next to the target, then rename: a concurrent `docker` never sees half a binary.
      const tmp = path.join(pluginDir, `.${f}.faaso-tmp`);
      await fs.copyFile(path.join(from, f), tmp);
      await fs.chmod(tmp, 0o755);
      await fs.rename(tmp, path.join(pluginDir, f));
    }
    const versions = debs.map(parseDebName).flatMap((d) => (d ? [`${d.name} ${d.version}`] : []));
    return { files, versions };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Makes `docker build` use BuildKit on old clients, via buildx's own `docker buildx install`. */
async function ensureBuildKitDefault(env: Record<string, string>, configDir: string, log: Log): Promise<void> {
  const version = (await run(clientVersion(), { env })).stdout.trim();
  const config = await fs.readFile(path.join(configDir, 'config.json'), 'utf8').catch(() => null);
  if (!needsBuildxAlias(version, builderAlias(config))) return;
  await runChecked(
    buildxInstall(),
    'docker buildx install',
    `run \`docker buildx install\` by hand, or use a docker client >= 23`,
    { env },
  );
  log(
    `docker: client ${version} uses the legacy builder; made \`docker build\` an alias of \`docker buildx build\` (BuildKit) in ${path.join(configDir, 'config.json')}`,
  );
}

export async function setupPlugins(opts: PluginOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const env = opts.env ?? {};
  const merged = { ...process.env, ...env };
  const home = merged.HOME || os.homedir();
  await installMissingPlugins(env, userPluginDir(merged, home), log);
  await ensureBuildKitDefault(env, userConfigDir(merged, home), log);
}

async function installMissingPlugins(env: Record<string, string>, pluginDir: string, log: Log): Promise<void> {
  const facts = await probePlugins(env);
  const packages = planPlugins(facts);
  if (packages.length === 0) return;
  log(`docker: installing ${packages.join(', ')} from Debian ${PLUGIN_SUITE} into ${pluginDir}…`);
  const { value, ms } = await timed(() => installPlugins(packages, pluginDir, facts.root));
  log(`docker: installed ${value.versions.join(', ')} in ${seconds(ms)}`);

  const after = await probePlugins(env);
  const broken = missingPlugins(after);
  if (broken.length > 0) {
    throw new UserError(
      `installed ${value.files.join(', ')} into ${pluginDir}, but \`docker ${broken.map((p) => p.replace('docker-', '')).join('`/`docker ')} version\` still fails`,
      `run \`${path.join(pluginDir, broken[0]!)} version\` to see why (too old a libc needs glibc >= 2.34), or install the plugins from Docker's repository`,
    );
  }
}
