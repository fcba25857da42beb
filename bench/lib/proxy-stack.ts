// The proxy bench's stack: a throwaway project (FAASO_ROOT in a temp dir, the
// repo's templates and images linked, the examples copied) started through
// faaso's own `up` code path (prepareStack + applyStack), so the proxy measured
// is byte for byte the one users get. Its own compose project and ports keep it
// away from a developer's `faaso` stack.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { resolveSettings } from '../../src/settings.ts';
import { loadTemplates } from '../../src/template/load.ts';
import { prepareStack, type PreparedStack } from '../../src/stack/prepare.ts';
import { applyStack } from '../../src/stack/apply.ts';
import { observeStack } from '../../src/stack/observe.ts';
import type { ContainerObservation } from '../../src/stack/inspect.ts';
import { COMPOSE_FILE, composeDown } from '../../src/stack/argv.ts';
import { NETWORK } from '../../src/stack/render/shared.ts';
import { PROXY_LISTEN_PORT } from '../../src/stack/render/caddyfile.ts';
import { BENCH_PROJECT, stackFile, type BenchFunction } from './proxy-plan.ts';
import { FUNCTION_PORT } from '../../src/function/contract.ts';
import { containerAddressArgv } from './proxy-reference.ts';
import { dockerRm, dockerRmi } from '../../src/docker/argv.ts';
import { networkRmArgv, projectContainersArgv, projectNetworksArgv } from './argv.ts';
import { localImages, waitForDocker } from './docker.ts';
import { deleteTag, listTags, pingRegistry } from '../../src/registry/api.ts';

type Log = (line: string) => void;

export interface BenchStack {
  root: string;
  prepared: PreparedStack;
  /** Container ids: the proxy's, and each function's by name. */
  proxyId: string;
  functionIds: Record<string, string>;
  /** Each function's own base URL on the stack network (http://IP:port): no proxy in between. */
  direct: Record<string, string>;
  /** The proxy's base URL at its container's address, the same path as direct. */
  proxy: string;
}

/** Removes every container and network of the bench project, e.g. left by a run that was killed. */
export async function removeBenchProject(project = BENCH_PROJECT): Promise<void> {
  const ids = (await run(projectContainersArgv(project))).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run(dockerRm(...ids));
  const nets = (await run(projectNetworksArgv(project))).stdout.split('\n').filter(Boolean);
  if (nets.length > 0) await run(networkRmArgv(nets));
}

/** A temp project holding only the measured functions and the bench's faaso.yml. */
export async function makeBenchProject(
  sourceRoot: string,
  functions: readonly BenchFunction[],
  opts: { accessLog?: boolean } = {},
): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-bench-proxy-'));
  await fs.symlink(path.join(sourceRoot, 'templates'), path.join(root, 'templates'));
  await fs.symlink(path.join(sourceRoot, 'images'), path.join(root, 'images'));
  for (const f of functions) {
    const dir = path.join(root, 'functions', f.fn);
    if (!f.files) await fs.cp(path.join(sourceRoot, 'functions', f.fn), dir, { recursive: true });
    else {
      await fs.mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(f.files)) await fs.writeFile(path.join(dir, name), text);
    }
  }
  await fs.writeFile(path.join(root, 'faaso.yml'), stackFile(functions, opts));
  return root;
}

/**
 * `up` in the temp project: builds what is missing or stale (the copies have the
 * same content hash as the repo's functions, so an up-to-date build is skipped),
 * starts everything and waits until it is healthy.
 */
export async function startBenchStack(root: string, log: Log): Promise<BenchStack> {
  const settings = resolveSettings({ ...process.env, FAASO_ROOT: root, FAASO_PROJECT: BENCH_PROJECT }, existsSync);
  const templates = await loadTemplates(root);
  const prepared = await prepareStack({ settings, templates }, { build: true }, log);
  await applyStack(prepared, log);
  const observed = await observeStack(BENCH_PROJECT);
  const proxy = observed.find((c) => c.role === 'proxy');
  if (!proxy) throw new Error('bench: the proxy container is missing after up');
  const functionIds: Record<string, string> = {};
  const direct: Record<string, string> = {};
  for (const c of observed) {
    if (c.role !== 'function') continue;
    functionIds[c.fn] = c.id;
    direct[c.fn] = baseUrl(c, FUNCTION_PORT);
  }
  return { root, prepared, proxyId: proxy.id, functionIds, direct, proxy: baseUrl(proxy, PROXY_LISTEN_PORT) };
}

/** http://IP:port of a stack container, from its observation (the stack has one network). */
function baseUrl(c: ContainerObservation, port: number): string {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(c.ip)) throw new Error(`bench: no IPv4 address for container ${c.name}`);
  return `http://${c.ip}:${port}`;
}

/** A container's IPv4 address on the bench stack's network (the host reaches it over the bridge): the bench's own containers. */
export async function containerAddress(id: string): Promise<string> {
  const r = await run(containerAddressArgv(id, `${BENCH_PROJECT}_${NETWORK}`));
  const ip = r.stdout.trim();
  if (r.exitCode !== 0 || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new Error(`bench: no address for container ${id}`);
  return ip;
}

/**
 * compose down (or removal by label when the files are gone), then the temp dir.
 * A daemon that is restarting is waited for: it would bring the containers back
 * (restart: unless-stopped) and re-create the deleted Caddyfile folder as an empty
 * bind-mount source, leaving a crash-looping proxy behind.
 */
export async function stopBenchStack(root: string): Promise<void> {
  const target = { dir: path.join(root, 'compose'), project: BENCH_PROJECT };
  if (!(await waitForDocker(120_000))) {
    process.stderr.write(
      `bench: Docker does not answer; remove the stack later: docker rm -f $(docker ps -aq --filter label=com.docker.compose.project=${BENCH_PROJECT})\n`,
    );
  }
  const hasFile = await fs.access(path.join(target.dir, COMPOSE_FILE)).then(
    () => true,
    () => false,
  );
  if (hasFile) await run(composeDown(target), { timeoutMs: 120_000 });
  await removeBenchProject();
  await fs.rm(root, { recursive: true, force: true });
}

/**
 * The bench-only functions' images (those the bench writes itself, e.g. burn)
 * as fn:tag, in the registry and on the engine: taken before a run, so that
 * afterwards only what the run added is removed, never a user's own function of
 * the same name. The examples are not among them: their copies have the repo's
 * content hashes, so a run reuses the user's images.
 */
export async function benchOnlyImages(registry: string, fns: readonly string[]): Promise<string[]> {
  if (fns.length === 0) return [];
  const refs = new Set<string>();
  if (await pingRegistry(registry))
    for (const fn of fns) for (const tag of await listTags(registry, fn)) refs.add(`${fn}:${tag}`);
  const local = await localImages(
    '{{.Repository}}:{{.Tag}}',
    fns.map((fn) => `${registry}/${fn}`),
  );
  for (const ref of local.filter((l) => !l.endsWith(':<none>'))) refs.add(ref.slice(registry.length + 1));
  return [...refs].sort();
}

/** Removes the bench-only images a run added (see benchOnlyImages): registry tags, then local tags. */
export async function removeBenchOnlyImages(
  registry: string,
  fns: readonly string[],
  before: readonly string[],
): Promise<void> {
  const had = new Set(before);
  const added = (await benchOnlyImages(registry, fns)).filter((ref) => !had.has(ref));
  const reachable = await pingRegistry(registry);
  for (const ref of added) {
    const [fn = '', tag = ''] = ref.split(':');
    if (reachable) await deleteTag(registry, fn, tag);
    await run(dockerRmi(`${registry}/${ref}`));
  }
}
