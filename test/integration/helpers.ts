// Shared helpers for integration tests: run faaso's real scripts as a user would
// (a child process, real Docker), and make throwaway projects.
import fs from 'fs-extra';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { describeLoad, type LoadResult, type LoadRun } from '../../bench/lib/http-load.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
}

/** Runs `node scripts/NAME.mjs ARGS` (what `npx zx scripts/NAME.mjs` does; `bench/NAME.mjs` with folder 'bench') and captures everything. */
export function runScript(
  name: string,
  args: string[],
  env: Record<string, string> = {},
  folder: 'scripts' | 'bench' = 'scripts',
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, folder, `${name}.mjs`), ...args], {
      cwd: REPO,
      env: { ...process.env, FAASO_VERBOSE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d) => ((stdout += d), (output += d)));
    child.stderr.on('data', (d) => ((stderr += d), (output += d)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
  });
}

/** A throwaway project (FAASO_ROOT) using the repo's templates and images, with the given functions copied in. */
export async function tempProject(
  copyFunctions: string[] = [],
): Promise<{ root: string; env: Record<string, string>; cleanup: () => Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-it-'));
  await fs.symlink(path.join(REPO, 'templates'), path.join(root, 'templates'));
  await fs.symlink(path.join(REPO, 'images'), path.join(root, 'images'));
  await fs.ensureDir(path.join(root, 'functions'));
  for (const name of copyFunctions)
    await fs.copy(path.join(REPO, 'functions', name), path.join(root, 'functions', name));
  return { root, env: { FAASO_ROOT: root }, cleanup: () => fs.remove(root) };
}

export async function writeFunction(root: string, name: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) await fs.outputFile(path.join(root, 'functions', name, rel), text);
}

export async function docker(...argv: string[]): Promise<string> {
  const r = await run(['docker', ...argv]);
  if (r.exitCode !== 0) throw new Error(`docker ${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export async function dockerOk(...argv: string[]): Promise<boolean> {
  return (await run(['docker', ...argv])).exitCode === 0;
}

/** Fails the suite loudly when no engine answers: integration tests are never skipped. */
export async function requireDocker(): Promise<void> {
  if (!(await dockerOk('info', '--format', '{{.ServerVersion}}'))) {
    throw new Error('integration tests need a running Docker engine: run `npx zx scripts/setup.mjs` first');
  }
}

export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export async function httpGet(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; type: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/**
 * Removes what a test built under these function names: every local image of
 * REGISTRY/NAME (any tag, and the candidate tags) and every tag of NAME in the
 * registry. Tests call it in their `after`, so a second run starts clean.
 */
export async function removeFunctionImages(names: readonly string[], registry = '127.0.0.1:5000'): Promise<void> {
  const { deleteTag, listTags, pingRegistry } = await import('../../src/registry/api.ts');
  for (const name of names) {
    const refs = (
      await docker(
        'images',
        '--format',
        '{{.Repository}}:{{.Tag}}',
        '--filter',
        `reference=${registry}/${name}`,
        '--filter',
        `reference=faaso-candidate/${name}`,
      )
    )
      .split('\n')
      .filter(Boolean);
    if (refs.length > 0) await dockerOk('rmi', '-f', ...refs);
    if (await pingRegistry(registry))
      for (const tag of await listTags(registry, name)) await deleteTag(registry, name, tag);
  }
}

export interface Res {
  status: number;
  body: string;
  type: string;
}

/** Raw request: the path goes out exactly as written (fetch would normalise it). */
export function rawRequest(port: number, p: string, opts: { method?: string; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method: opts.method ?? 'GET', agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

/** A container of a compose project, as the tests look at it. */
export interface TestContainer {
  id: string;
  name: string;
  /** Compose's container number within its service. */
  number: number;
  status: string;
  health: string;
  restarts: number;
  ip: string;
}

/** Every container of a compose project (optionally: of one service), by service and container number. */
export async function projectContainers(project: string, service?: string): Promise<TestContainer[]> {
  const filters = ['--filter', `label=com.docker.compose.project=${project}`];
  if (service) filters.push('--filter', `label=com.docker.compose.service=${service}`);
  const ids = (await docker('ps', '-aq', ...filters)).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const format =
    '{{.Id}} {{.Name}} {{index .Config.Labels "com.docker.compose.container-number"}} {{.State.Status}} ' +
    '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}';
  return (await docker('inspect', '--format', format, ...ids))
    .split('\n')
    .map((l) => {
      const [id = '', name = '', number = '0', status = '', health = '', restarts = '0', ip = ''] = l.split(' ');
      return {
        id: id.slice(0, 12),
        name: name.replace(/^\//, ''),
        number: Number(number),
        status,
        health,
        restarts: Number(restarts),
        ip,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.number - b.number);
}

/** Stops a GET and a POST loop, prints both, and checks the load really ran (at least `min` of each answered). */
export async function stopLoads(
  l: { get: LoadRun; post: LoadRun },
  what: string,
  min = 50,
): Promise<{ get: LoadResult; post: LoadResult }> {
  const [get, post] = await Promise.all([l.get.stop(), l.post.stop()]);
  process.stdout.write(`    ${what}: GET ${describeLoad(get)}\n    ${what}: POST ${describeLoad(post)}\n`);
  assert.ok(get.ok >= min && post.ok >= min, `the load barely ran: ${get.ok} GET, ${post.ok} POST`);
  return { get, post };
}
