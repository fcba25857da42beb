// A throwaway stack per soak file: its own FAASO_ROOT (temp project with the
// three examples), its own compose project (faasosoak-*) and fixed ports in the
// soak range 18500-18699, so it never meets the real `faaso` stack or another
// helper's. Also: the proxy's memory, a function's server process on the host,
// and container state, all read the way an operator would (docker, /proc).
import fs from 'fs-extra';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { docker, requireDocker, runScript, tempProject, writeFunction } from '../integration/helpers.ts';
import { parseMemUsage, parseProcStat } from './measure.ts';

export const EXAMPLES: Record<string, string> = { '/sum': 'sum', '/mul': 'multiply', '/hello': 'hello' };
const json = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
};
/** One request per example, and its real answer: a 200 alone is not enough. */
export const PROBES: Record<string, { path: string; check: (body: string) => boolean }> = {
  sum: { path: '/sum?a=1&b=2', check: (b) => json(b).sum === 3 },
  multiply: { path: '/mul?a=6&b=7', check: (b) => json(b).product === '42' },
  hello: { path: '/hello?name=soak', check: (b) => b === 'Hello, soak!' },
};

export interface SoakStack {
  project: string;
  root: string;
  env: Record<string, string>;
  proxyPort: number;
  ports: Record<string, number>;
  via: (p: string) => string;
  container: (service: string) => string;
  down: () => Promise<void>;
}

export interface SoakStackOptions {
  /** Compose project, e.g. faasosoak-load. */
  project: string;
  /** First of 10 ports: functions get base, base+1, …; the proxy gets base+9. */
  portBase: number;
  /** Extra functions: name → files, routed at /<name>. */
  extra?: Record<string, Record<string, string>>;
}

/** Containers of a project left over by an earlier run that died: ours to remove. */
export async function removeProject(project: string): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`))
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker('rm', '-f', ...ids);
}

/** uvu does not print an error thrown by a `before` hook: say it here, then throw. */
export async function startSoakStack(opts: SoakStackOptions): Promise<SoakStack> {
  try {
    return await startStack(opts);
  } catch (err) {
    process.stdout.write(`\n  starting soak stack ${opts.project} failed: ${(err as Error).message}\n`);
    throw err;
  }
}

async function startStack(opts: SoakStackOptions): Promise<SoakStack> {
  await requireDocker();
  if (opts.portBase < 18500 || opts.portBase + 9 > 18699)
    throw new Error(`soak ports must stay in 18500-18699, got ${opts.portBase}`);
  await removeProject(opts.project);
  const project = await tempProject(Object.values(EXAMPLES));
  const routes: Record<string, string> = { ...EXAMPLES };
  for (const [name, files] of Object.entries(opts.extra ?? {})) {
    await writeFunction(project.root, name, files);
    routes[`/${name}`] = name;
  }
  const ports: Record<string, number> = {};
  Object.values(routes).forEach((fn, i) => (ports[fn] = opts.portBase + i));
  const proxyPort = opts.portBase + 9;
  const yml = [
    'routes:',
    ...Object.entries(routes).map(([p, f]) => `  ${p}: ${f}`),
    'proxy:',
    `  port: ${proxyPort}`,
    'functions:',
    ...Object.entries(ports).flatMap(([f, p]) => [`  ${f}:`, `    port: ${p}`]),
  ].join('\n');
  await fs.writeFile(path.join(project.root, 'faaso.yml'), `${yml}\n`);
  const env = { ...project.env, FAASO_PROJECT: opts.project };
  const stack: SoakStack = {
    project: opts.project,
    root: project.root,
    env,
    proxyPort,
    ports,
    via: (p) => `http://127.0.0.1:${proxyPort}${p}`,
    container: (service) => `${opts.project}-${service}-1`,
    down: async () => {
      await runScript('down', [], env);
      await removeProject(opts.project);
      await project.cleanup();
    },
  };
  // `up` builds what is missing (the examples are usually up to date: no docker build).
  const up = await runScript('up', [], env);
  if (up.code !== 0) {
    await stack.down();
    throw new Error(`up failed for ${opts.project}:\n${up.output}`);
  }
  return stack;
}

/** The proxy container's memory as `docker stats` reports it (usage without page cache). */
export async function containerMemory(container: string): Promise<number> {
  return parseMemUsage(await docker('stats', '--no-stream', '--format', '{{.MemUsage}}', container));
}

/**
 * Host PIDs of the function's server: the children of the container's init
 * (docker-init, PID 1 inside, because of `init: true`). Killing them is a real
 * crash, which `restart: unless-stopped` restarts; `docker kill` would count as
 * a manual stop and never be restarted.
 */
export async function serverPids(container: string): Promise<number[]> {
  const init = Number(await docker('inspect', '-f', '{{.State.Pid}}', container));
  if (!(init > 0)) return [];
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const p = parseProcStat(stat);
    if (p?.ppid === init) pids.push(p.pid);
  }
  return pids;
}

export async function killServer(container: string): Promise<number> {
  const pids = await serverPids(container);
  if (pids.length === 0) throw new Error(`no server process under ${container}'s init`);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids.length;
}

export interface State {
  status: string;
  health: string;
  restarts: number;
}

export async function containerStateOf(container: string): Promise<State | null> {
  const r = await run([
    'docker',
    'inspect',
    '-f',
    '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}',
    container,
  ]);
  if (r.exitCode !== 0) return null;
  const [status = '', health = '', restarts = '0'] = r.stdout.trim().split(' ');
  return { status, health, restarts: Number(restarts) };
}

/** Docker's last health probes of a container (exit code, output): why it is not healthy. */
export async function healthLog(container: string): Promise<string> {
  const r = await run([
    'docker',
    'inspect',
    '-f',
    '{{range .State.Health.Log}}{{.ExitCode}} {{.Start}} {{printf "%.80q" .Output}}{{"\\n"}}{{end}}',
    container,
  ]);
  return r.stdout.trim();
}

export async function answers(url: string, check: (body: string) => boolean = () => true): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 && check(await res.text());
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (line: string) => process.stdout.write(`    ${line}\n`);
