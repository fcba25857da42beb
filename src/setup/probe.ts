// Reads the host: which docker pieces exist and answer. The only I/O here is
// queries; decisions are in plan.ts.
import fs from 'node:fs';
import { run } from '../exec/runner.ts';
import { dockerInfo } from '../docker/argv.ts';
import { buildxVersion, composeVersion } from './argv.ts';
import { commandV } from '../exec/argv.ts';
import type { EngineFacts, HostFacts, PluginFacts } from './facts.ts';
import { failureLine } from '../util/text.ts';

// Where distributions put dockerd; /usr/sbin is not on a normal user's PATH.
const DOCKERD_PATHS = ['/usr/sbin/dockerd', '/usr/bin/dockerd', '/usr/local/bin/dockerd'];
const DOCKER_PID = '/var/run/docker.pid';

export function hostFacts(): HostFacts {
  return { debian: fs.existsSync('/etc/debian_version'), root: process.getuid?.() === 0 };
}

export async function onPath(cmd: string): Promise<string | null> {
  const r = await run(commandV(cmd));
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** Whether `docker info` answers, with its error line when it does not. */
export async function dockerAnswers(): Promise<{ answers: boolean; error: string }> {
  const r = await run(dockerInfo(), { timeoutMs: 10_000 });
  // 127: the runner could not start `docker` at all (its own ENOENT text says less).
  const error = r.exitCode === 127 ? 'the `docker` command is not on PATH' : failureLine(r);
  return { answers: r.exitCode === 0 && r.stdout.trim() !== '', error: r.exitCode === 0 ? '' : error };
}

const isDockerd = (pid: string): boolean => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
  } catch {
    return false; // gone meanwhile, or not ours to read
  }
};

/**
 * Whether a dockerd process is alive, whoever started it: the pid file first,
 * else any process named dockerd (one started with another --pidfile, or
 * still starting). Starting a second one only fails on the first's lock.
 */
export function dockerdAlive(): boolean {
  try {
    const pid = fs.readFileSync(DOCKER_PID, 'utf8').trim();
    if (/^[1-9][0-9]*$/.test(pid) && isDockerd(pid)) return true;
  } catch {
    // no pid file: look at the processes
  }
  try {
    return fs.readdirSync('/proc').some((e) => /^[0-9]+$/.test(e) && isDockerd(e));
  } catch {
    return false; // no /proc (not Linux): nothing we could start anyway
  }
}

export async function probeEngine(): Promise<EngineFacts> {
  const [info, cli, dockerdOnPath] = await Promise.all([dockerAnswers(), onPath('docker'), onPath('dockerd')]);
  const dockerd = dockerdOnPath ?? DOCKERD_PATHS.find((p) => fs.existsSync(p)) ?? null;
  return {
    ...hostFacts(),
    answers: info.answers,
    infoError: info.error,
    cli: cli !== null,
    dockerd,
    dockerdRunning: dockerdAlive(),
  };
}

export async function probePlugins(env: Record<string, string> = {}): Promise<PluginFacts> {
  const [compose, buildx, aptGet, dpkg] = await Promise.all([
    run(composeVersion(), { env, timeoutMs: 20_000 }),
    run(buildxVersion(), { env, timeoutMs: 20_000 }),
    onPath('apt-get'),
    onPath('dpkg'),
  ]);
  return {
    ...hostFacts(),
    compose: compose.exitCode === 0,
    buildx: buildx.exitCode === 0,
    apt: aptGet !== null && dpkg !== null,
  };
}
