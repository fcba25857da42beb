// The deploy bench's shell around a throwaway project: a FAASO_ROOT with the
// repo's templates and images symlinked and N copies of the python example
// `sum`, and faaso's real scripts run against it as child processes (what a user
// runs), with every command they execute logged through FAASO_EXEC_LOG.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEPLOY_PROJECT } from './deploy-gen.ts';
import { run } from '../../src/exec/runner.ts';
import { DEFAULT_REGISTRY, REPO_ROOT } from '../../src/settings.ts';
import { deleteRepositoryTags } from '../../src/registry/api.ts';
import { parseExecLog, type ExecEntry } from './exec-log.ts';
import { localImages, removeImages } from './docker.ts';

export interface BenchProject {
  root: string;
  env: Record<string, string>;
}

/** A temp project; `functions` are copies of functions/sum (identical sources build from cache). */
export async function createProject(functions: readonly string[], project = DEPLOY_PROJECT): Promise<BenchProject> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-deploy-'));
  await fs.symlink(path.join(REPO_ROOT, 'templates'), path.join(root, 'templates'));
  await fs.symlink(path.join(REPO_ROOT, 'images'), path.join(root, 'images'));
  await addFunctions(root, functions);
  return { root, env: { FAASO_ROOT: root, FAASO_PROJECT: project } };
}

export async function addFunctions(root: string, functions: readonly string[]): Promise<void> {
  for (const name of functions) {
    const dir = path.join(root, 'functions', name);
    if (
      await fs.stat(dir).then(
        () => true,
        () => false,
      )
    )
      continue;
    await fs.cp(path.join(REPO_ROOT, 'functions', 'sum'), dir, { recursive: true });
  }
}

/** Removes the temp project and what its builds made: local images and registry tags of its functions. */
export async function removeProject(p: BenchProject): Promise<void> {
  const names = await fs.readdir(path.join(p.root, 'functions')).catch(() => [] as string[]);
  const registry = p.env.FAASO_REGISTRY ?? DEFAULT_REGISTRY;
  for (const name of names)
    await removeImages(await localImages('{{.Repository}}:{{.Tag}}', [`${registry}/${name}`]), true);
  await deleteRepositoryTags(registry, (repo) => names.includes(repo));
  await fs.rm(p.root, { recursive: true, force: true });
}

export interface ScriptRun {
  code: number;
  output: string;
  ms: number;
  exec: ExecEntry[];
}

/** `node scripts/NAME.mjs ARGS` in the project, timed, with the commands it ran. */
export async function runScript(
  p: BenchProject,
  name: string,
  args: string[],
  timeoutMs = 600_000,
): Promise<ScriptRun> {
  const logFile = path.join(p.root, `.exec-${name}-${Date.now()}.jsonl`);
  const started = performance.now();
  // Through the project's own runner; stdout and stderr lines kept in the order they came.
  const lines: string[] = [];
  const r = await run([process.execPath, path.join(REPO_ROOT, 'scripts', `${name}.mjs`), ...args], {
    cwd: REPO_ROOT,
    env: { FAASO_VERBOSE: '', ...p.env, FAASO_EXEC_LOG: logFile },
    timeoutMs,
    onLine: (line) => lines.push(line),
  });
  const code = r.exitCode;
  const output = lines.join('\n');
  const ms = performance.now() - started;
  const exec = parseExecLog(await fs.readFile(logFile, 'utf8').catch(() => ''));
  await fs.rm(logFile, { force: true });
  return { code, output, ms, exec };
}

/** Like runScript, but a failure is an error carrying the script's last lines. */
export async function runScriptOk(p: BenchProject, name: string, args: string[]): Promise<ScriptRun> {
  const r = await runScript(p, name, args);
  if (r.code !== 0) {
    // `up` exits 1 when a function is not healthy: say how many, the table rows say which.
    const unhealthy = (r.output.match(/ unhealthy$/gm) ?? []).length;
    const what = unhealthy > 0 ? ` with ${unhealthy} function(s) unhealthy` : '';
    throw new Error(
      `scripts/${name}.mjs ${args.join(' ')} failed (exit ${r.code})${what}:\n${r.output.trim().split('\n').slice(-12).join('\n')}`,
    );
  }
  return r;
}

export async function writeStackYaml(p: BenchProject, text: string): Promise<void> {
  await fs.writeFile(path.join(p.root, 'faaso.yml'), text);
}

/** Docker restarted under us (another engineer's fault test does that): the message that says so. */
export const DOCKER_GONE = /Cannot connect to the Docker daemon/;
