// Makes sure the image every faaso image derives from exists locally. Present:
// silent no-op (one inspect). Otherwise pull it; where no registry is reachable
// (the normal case here), build it with debootstrap, slim it and `docker import` it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { BASE_IMAGE } from '../settings.ts';
import { dockerPull } from '../docker/argv.ts';
import { formatBytes, imageInfo } from '../docker/engine.ts';
import { APT_ENV, aptInstall, aptUpdate } from '../setup/argv.ts';
import { commandV } from '../exec/argv.ts';
import { hostFacts } from '../setup/probe.ts';
import { defaultLog, runChecked, seconds, timed, type Log } from '../setup/steps.ts';
import { firstLine } from '../util/text.ts';
import { offlineHint, planBaseBuild, pullFailure } from './plan.ts';
import {
  DEFAULT_MIRROR,
  DEFAULT_SUITE,
  debootstrapArgv,
  duArgv,
  removeTreeArgv,
  umountLazyArgv,
  importArgv,
  mountsUnder,
  parseDu,
  slimArgv,
  slimConfigFiles,
} from './rootfs.ts';

export interface BaseImageOptions {
  /** Image to ensure (tests use a throwaway tag). */
  image?: string;
  /** debootstrap command or path (tests inject a missing one). */
  debootstrap?: string;
  suite?: string;
  mirror?: string;
  /** How long to try `docker pull`; 0 skips pulling. */
  pullTimeoutMs?: number;
  /** Where the temporary rootfs goes (must allow exec and device nodes). */
  tmpDir?: string;
  log?: Log;
}

export interface BaseImageResult {
  image: string;
  action: 'present' | 'pulled' | 'built';
  /** Image size in bytes once it exists. */
  size: number;
}

async function tryPull(image: string, timeoutMs: number, log: Log): Promise<string | null> {
  if (timeoutMs <= 0) return 'pulling disabled';
  const { value: r, ms } = await timed(() => run(dockerPull(image), { timeoutMs }));
  if (r.exitCode === 0) {
    log(`base image: pulled ${image} in ${seconds(ms)}`);
    return null;
  }
  return pullFailure(r.stderr, ms, timeoutMs);
}

async function debootstrapFound(cmd: string): Promise<boolean> {
  if (cmd.includes('/')) {
    try {
      await fsp.access(cmd, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return (await run(commandV(cmd))).exitCode === 0;
}

async function sizeOf(dir: string): Promise<number> {
  const r = await run(duArgv(dir));
  return r.exitCode === 0 ? parseDu(r.stdout) : 0;
}

/** Unmounts leftovers (a failed debootstrap may leave proc/sys mounted), then deletes without crossing filesystems. */
async function removeWorkDir(dir: string, log: Log): Promise<void> {
  const mounts = mountsUnder(await fsp.readFile('/proc/mounts', 'utf8').catch(() => ''), dir);
  for (const m of mounts) await run(umountLazyArgv(m));
  const r = await run(removeTreeArgv(dir));
  if (r.exitCode !== 0) log(`base image: warning: could not remove ${dir}: ${firstLine(r.stderr)}`);
}

async function buildWithDebootstrap(
  image: string,
  opts: Required<Pick<BaseImageOptions, 'debootstrap' | 'suite' | 'mirror'>>,
  tmpDir: string,
  log: Log,
): Promise<void> {
  const fixHint = `check that ${opts.mirror} is reachable, then re-run \`npx zx scripts/setup.mjs\`; or ${offlineHint(image)}`;
  const work = await fsp.mkdtemp(path.join(tmpDir, 'faaso-base-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    const boot = await timed(() =>
      runChecked(debootstrapArgv({ ...opts, rootfs }), `debootstrap (${opts.suite}, minbase)`, fixHint, {
        timeoutMs: 30 * 60_000,
      }),
    );
    log(`base image: debootstrap done in ${seconds(boot.ms)} (${formatBytes(await sizeOf(rootfs))})`);

    const slim = await timed(async () => {
      for (const f of slimConfigFiles()) {
        await fsp.mkdir(path.dirname(path.join(rootfs, f.path)), { recursive: true });
        await fsp.writeFile(path.join(rootfs, f.path), f.content, { mode: 0o644 });
      }
      await runChecked(slimArgv(rootfs), 'slimming the rootfs', fixHint);
    });
    log(`base image: slimmed to ${formatBytes(await sizeOf(rootfs))} in ${seconds(slim.ms)}`);

    const imp = await timed(() =>
      runChecked(
        importArgv(rootfs, image),
        `docker import of ${image}`,
        'check that the Docker engine is running and has disk space',
        { timeoutMs: 10 * 60_000 },
      ),
    );
    const info = await imageInfo(image);
    log(`base image: imported ${image} in ${seconds(imp.ms)} (${formatBytes(info?.size ?? 0)})`);
  } finally {
    await removeWorkDir(work, log);
  }
}

export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<BaseImageResult> {
  const image = options.image ?? BASE_IMAGE;
  const log = options.log ?? defaultLog;
  const present = await imageInfo(image);
  if (present) return { image, action: 'present', size: present.size };

  const started = Date.now();
  const whyNoPull = await tryPull(image, options.pullTimeoutMs ?? 30_000, log);
  const pulled = whyNoPull === null ? await imageInfo(image) : null;
  if (pulled) return { image, action: 'pulled', size: pulled.size };
  const reason = whyNoPull ?? 'pulled, but then not found';

  const opts = {
    debootstrap: options.debootstrap ?? 'debootstrap',
    suite: options.suite ?? DEFAULT_SUITE,
    mirror: options.mirror ?? DEFAULT_MIRROR,
  };
  log(
    `base image: ${image} not found locally and cannot be pulled (${reason}); building it with debootstrap (${opts.suite}, minbase)…`,
  );
  const plan = planBaseBuild({
    image,
    debootstrap: opts.debootstrap,
    found: await debootstrapFound(opts.debootstrap),
    ...hostFacts(),
  });
  if (plan.installDebootstrap) {
    const hint = `install it by hand (\`apt-get install debootstrap\`); or ${offlineHint(image)}`;
    const { ms } = await timed(async () => {
      await runChecked(aptUpdate(), 'apt-get update', hint, { env: APT_ENV, timeoutMs: 10 * 60_000 });
      await runChecked(aptInstall(['debootstrap']), 'installing debootstrap', hint, {
        env: APT_ENV,
        timeoutMs: 10 * 60_000,
      });
    });
    log(`base image: installed debootstrap with apt-get in ${seconds(ms)}`);
  }
  await buildWithDebootstrap(image, opts, options.tmpDir ?? os.tmpdir(), log);
  const built = await imageInfo(image);
  if (!built) throw new UserError(`base image: ${image} is still missing after docker import`, offlineHint(image));
  log(`base image: ${image} ready in ${seconds(Date.now() - started)}`);
  return { image, action: 'built', size: built.size };
}
