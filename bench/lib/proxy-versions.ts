// The proxy bench's Caddy side by side (the shell; proxy-versions-plan.ts is
// the plan, proxy-versions-report.ts the figures): a bench-only image of
// trixie's Caddy 2.6.2 is built, both versions run beside the bench stack with
// the same Caddyfiles, measured in turns, and everything is removed after.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { dockerBuild, dockerRm, dockerRmi } from '../../src/docker/argv.ts';
import { catInContainer } from '../../src/stack/argv.ts';
import { PROXY_HEALTH_PATH, renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { NETWORK } from '../../src/stack/render/shared.ts';
import { failureLine } from '../../src/util/text.ts';
import { failedReloads, freshGet, recovery, reloads } from './proxy-versions-reloads.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';
import type { BenchStack } from './proxy-stack.ts';
import {
  CADDY262_DOCKERFILE,
  CADDY262_IMAGE,
  CADDY_ENTRYPOINT,
  caddyVersionArgv,
  CONFIGS,
  failingConfig,
  HTTPS_NAME,
  httpsPlan,
  pingRoute,
  proxyContainerArgv,
  turns,
  versions,
  versionOf,
  type CaddyVersion,
  type VersionSettings,
} from './proxy-versions-plan.ts';
import type { ThroughputSample, VersionResults } from './proxy-versions-types.ts';
import { runWrk } from './wrk.ts';
import { containerCpuReader } from './cpu.ts';

type Log = (line: string) => void;

/** The internal CA's root inside a proxy that serves the HTTPS config (XDG_DATA_HOME on the tmpfs). */
const ROOT_IN_TMPFS = '/tmp/caddy-data/caddy/pki/authorities/local/root.crt';

/** Runs a Docker command of the bench, or fails the bench with Docker's own message. */
export async function must(argv: string[], what: string): Promise<string> {
  const r = await run(argv, { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new UserError(`bench proxy: ${what} failed: ${failureLine(r)}`);
  return r.stdout;
}

/** Builds a bench-only image from a Dockerfile text and `files` (paths it COPYs by their base names), in `dir`/image (removed after). */
export async function buildBenchImage(
  dir: string,
  dockerfile: string,
  tag: string,
  label: string,
  files: readonly string[] = [],
): Promise<void> {
  const context = path.join(dir, 'image');
  await fs.mkdir(context);
  await fs.writeFile(path.join(context, 'Dockerfile'), dockerfile);
  for (const f of files) await fs.copyFile(f, path.join(context, path.basename(f)));
  await must(dockerBuild({ context, tag, labels: { 'faaso.bench': label } }), `building ${tag}`);
  await fs.rm(context, { recursive: true });
}

/** Waits until a bench proxy on a host port answers its health endpoint with "ok". */
export async function waitHealthy(container: string, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await freshGet(`http://127.0.0.1:${port}${PROXY_HEALTH_PATH}`)) !== 'ok') {
    if (Date.now() > deadline) throw new UserError(`bench proxy: ${container} does not answer its health endpoint`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type CpuReaders = Map<string, (() => Promise<number>) | null>;

/** The proxy's CPU seconds so far (its cgroup counter), NaN when unreadable. */
const cpuNow = (readers: CpuReaders, v: CaddyVersion): Promise<number> =>
  readers
    .get(v.key)?.()
    .catch(() => NaN) ?? Promise.resolve(NaN);

async function throughput(
  vs: CaddyVersion[],
  s: VersionSettings,
  scheme: 'http' | 'https',
  route: string,
  readers: CpuReaders,
  log: Log,
) {
  const out: ThroughputSample[] = [];
  const url = (v: CaddyVersion): string =>
    scheme === 'http' ? `http://127.0.0.1:${v.httpPort}${route}` : `https://${HTTPS_NAME}:${v.httpsPort}${route}`;
  for (const v of vs) await runWrk({ url: url(v), connections: s.connections, threads: 2, durationSec: s.warmupSec });
  for (let round = 0; round < s.rounds; round++) {
    log(`bench proxy: Caddy versions: ${scheme.toUpperCase()} throughput, round ${round + 1}/${s.rounds}`);
    for (const v of turns(vs, round)) {
      const cpu0 = await cpuNow(readers, v);
      const result = await runWrk({ url: url(v), connections: s.connections, threads: 2, durationSec: s.durationSec });
      const cpuSec = (await cpuNow(readers, v)) - cpu0;
      out.push({ key: v.key, scheme, round, result, cpuUsPerRequest: (cpuSec * 1e6) / result.requests });
    }
  }
  return out;
}

/** Writes the three configs: the bench stack's own routes, the same with proxy.tls internal, and the failing one. */
async function writeConfigs(dir: string, stack: BenchStack, vs: CaddyVersion[]): Promise<void> {
  await fs.copyFile(path.join(stack.root, 'compose', 'caddy', 'Caddyfile'), path.join(dir, CONFIGS.http));
  for (const v of vs) {
    const text = renderCaddyfile(httpsPlan(stack.prepared.plan, v.httpsPort));
    await fs.writeFile(path.join(dir, CONFIGS.https(v.key)), text);
    if (v.key === 'faaso') await fs.writeFile(path.join(dir, CONFIGS.failing), failingConfig(text));
  }
  for (const f of await fs.readdir(dir)) await fs.chmod(path.join(dir, f), 0o644);
}

async function measure(
  vs: CaddyVersion[],
  dir: string,
  stack: BenchStack,
  s: VersionSettings,
  log: Log,
): Promise<VersionResults> {
  for (const v of vs) await must(proxyContainerArgv(v, dir, `${BENCH_PROJECT}_${NETWORK}`), `starting ${v.container}`);
  for (const v of vs) await waitHealthy(v.container, v.httpPort);
  const named = await Promise.all(
    vs.map(async (v) => ({
      key: v.key,
      version: versionOf(await must(caddyVersionArgv(v.container), 'caddy version')),
    })),
  );
  const route = pingRoute(stack.prepared.plan);
  const readers: CpuReaders = new Map();
  for (const v of vs) readers.set(v.key, await containerCpuReader(v.container));
  const tput = await throughput(vs, s, 'http', route, readers, log);
  log('bench proxy: Caddy versions: reloads of the routes (1 site)…');
  const reloadSamples = [...(await reloads(vs, s, 'cli')), ...(await reloads(vs, s, 'http'))];
  log('bench proxy: Caddy versions: the same routes over HTTPS (internal CA: 2 sites, 2 servers)…');
  reloadSamples.push(...(await reloads(vs, s, 'https')));
  const cas = new Map<string, string>();
  for (const v of vs) cas.set(v.key, await must(catInContainer(v.container, ROOT_IN_TMPFS), 'reading the internal CA'));
  tput.push(...(await throughput(vs, s, 'https', route, readers, log)));
  log(`bench proxy: Caddy versions: ${s.failedReloads} reload(s) each of a multi-site config that cannot start…`);
  const failed = await failedReloads(vs, s, cas);
  const recovered = await recovery(vs, s, cas);
  return { versions: named, throughput: tput, reloads: reloadSamples, failed, recovered };
}

/** Builds trixie's Caddy into a bench-only image, measures both versions, removes what it made. */
export async function compareCaddyVersions(stack: BenchStack, s: VersionSettings, log: Log): Promise<VersionResults> {
  const vs = versions(stack.prepared.proxyImage);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faasobench-caddy-'));
  const cleanup = async (): Promise<void> => {
    await run(dockerRm(...vs.map((v) => v.container)));
    await run(dockerRmi(CADDY262_IMAGE));
    await fs.rm(dir, { recursive: true, force: true });
  };
  return withCleanup(cleanup, async () => {
    await run(dockerRm(...vs.map((v) => v.container)));
    await fs.chmod(dir, 0o755); // the proxies run as uid 10001
    log("bench proxy: Caddy versions: building trixie's Caddy 2.6.2 into a bench-only image…");
    await buildBenchImage(dir, CADDY262_DOCKERFILE, CADDY262_IMAGE, 'caddy262', [CADDY_ENTRYPOINT]);
    await writeConfigs(dir, stack, vs);
    return measure(vs, dir, stack, s, log);
  });
}
