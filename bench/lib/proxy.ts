// npx zx bench/proxy.mjs [--quick]: per bundled runtime and a ~1 ms CPU
// handler, latency (1 connection) and throughput (N connections) through
// faaso's Caddy, through an HAProxy reference and direct to the function's
// container, interleaved in one run, with wrk; CPU per request from the
// containers' cgroups, and a CPU profile of Caddy. Prints tables and a summary
// line against issues 4 and 13's targets; everything is removed whatever happens.
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { ensureEngine } from '../../src/docker/engine.ts';
import { ensureBaseImage } from '../../src/base/ensure.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { parseCli } from '../../src/cli/entry.ts';
import { openProject } from '../../src/project.ts';
import { loadFunctions } from '../../src/function/load.ts';
import { describeMachine, formatSection, machineInfo, saveResults } from './report.ts';
import { ensureWrk, runWrk } from './wrk.ts';
import { formatPercent } from './stats.ts';
import { containerCpuReader, engineCpuReader, measureCpu } from './cpu.ts';
import {
  benchSettings,
  BENCH_PROJECT,
  BURN,
  MODES,
  PROXY_PORT,
  modesOf,
  probeUrl,
  schedule,
  type BenchSettings,
  type Endpoints,
} from './proxy-plan.ts';
import {
  formatUs,
  handlerRows,
  latencyRows,
  summaryLine,
  throughputRows,
  verdict,
  type Sample,
} from './proxy-report.ts';
import { HAPROXY_CONTAINER } from './proxy-reference.ts';
import { withReference } from './proxy-reference-run.ts';
import { profileProxy, type ProxyProfile } from './proxy-profile.ts';
import { bucketRows, profileRows } from './pprof.ts';
import { compareVariants } from './proxy-variants-run.ts';
import { variantRows, type VariantSample } from './proxy-variants.ts';
import { compareCaddyVersions } from './proxy-versions.ts';
import { pingRoute, versionSettings } from './proxy-versions-plan.ts';
import { versionSection, versionSummaryLine } from './proxy-versions-report.ts';
import type { VersionResults } from './proxy-versions-types.ts';
import {
  benchOnlyImages,
  makeBenchProject,
  removeBenchOnlyImages,
  removeBenchProject,
  startBenchStack,
  stopBenchStack,
  type BenchStack,
} from './proxy-stack.ts';

const USAGE = `npx zx bench/proxy.mjs [--quick] [--rounds N] [--duration S] [--connections N] [--only sum,multiply,hello,burn]
  Throughput, p50/p99 latency and CPU per request through faaso's Caddy proxy, through an HAProxy
  reference (bench only) and direct to each function's container, interleaved in one run (wrk),
  then a CPU profile of Caddy (pprof). burn is a bench-only handler doing ~1 ms of CPU.
  Stack: project ${BENCH_PROJECT}; on 127.0.0.1 ports 18100 (Caddy), 18105 (HAProxy), 18110-18113 (Caddy
  versions) and 18120-18124 (Caddy config variants).
  --quick         smoke run: sum and burn, 1 round of 1 s per measurement, the rest as briefly
  --rounds N      rounds, each running every mode once in turn; medians are reported (default 3)
  --duration S    seconds per wrk run (default 3)
  --connections N connections of the throughput runs (default 32)
  --no-access-log measure with faaso.yml proxy.access_log: false (default: the access log users get)
  --no-versions   skip Caddy 2.6.2 (trixie, a bench-only image) vs faaso's Caddy side by side (ports 18110-18113)
  --versions-only only that side by side: req/s and CPU per request over HTTP and HTTPS, reloads, failed multi-site reloads
  --variants-only only "Caddy by parts": copies of the proxy's config side by side, each changing one thing
  FAASO_BENCH_PROJECT=NAME names the bench's project, containers and image (default faasobench-proxy)`;

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Where Caddy's CPU went during the profile: kinds of work (overlapping), then the functions that spent it. */
function profileSection(p: ProxyProfile, connections: number): string {
  const perRequest = (p.summary.seconds * 1e6) / p.load.requests;
  const head = `Caddy's CPU profile (pprof): ${p.summary.durationSec.toFixed(0)} s of GET /ping at ${connections} connections, ${Math.round(p.load.rps)} req/s, ${formatUs(perRequest)} sampled per request`;
  return (
    formatSection(
      `${head}; by kind of work (a sample may count in several)`,
      ['WORK', 'CPU', 'SHARE'],
      bucketRows(p.summary),
    ) +
    formatSection(
      '… and by function (flat: the function itself; cum: with what it calls)',
      ['FUNCTION', 'FLAT', 'SHARE', 'CUM', 'SHARE'],
      profileRows(p.summary),
    )
  );
}

async function measure(
  stack: BenchStack,
  s: BenchSettings,
  labels: Record<string, string>,
  background: Record<string, number>,
  reference: string,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const at: Endpoints = {
    direct: stack.direct,
    proxy: stack.proxy,
    reference,
    published: `http://127.0.0.1:${PROXY_PORT}`,
  };
  const proxy = await containerCpuReader(stack.proxyId);
  const haproxy = await containerCpuReader(HAPROXY_CONTAINER);
  const engine = await engineCpuReader();
  for (const f of s.functions) {
    const fnId = stack.functionIds[f.fn];
    if (!fnId) throw new Error(`bench: no container for ${f.fn}`);
    const readers = { proxy, reference: haproxy, engine, function: await containerCpuReader(fnId) };
    // One quiet second first: how busy other work keeps the host (shared CI boxes, parallel builds).
    background[f.fn] = (await measureCpu({}, () => sleep(1000))).cpu.hostBusy;
    progress(`bench proxy: ${labels[f.fn]}: warming up (${s.warmupSec} s each way)…`);
    // JITs (node), Caddy's upstream connection pool and the first-request costs settle before anything counts.
    for (const mode of MODES) {
      await runWrk({
        url: probeUrl(f, 'ping-throughput', mode, at),
        connections: s.connections,
        threads: 2,
        durationSec: s.warmupSec,
      });
    }
    for (const step of schedule(f, s, at)) {
      if (step.probe === 'ping-latency' && step.mode === modesOf(step.round)[0]) {
        progress(`bench proxy: ${labels[f.fn]}: round ${step.round + 1}/${s.rounds}`);
      }
      const { value: result, cpu } = await measureCpu(readers, () =>
        runWrk({
          url: step.url,
          connections: step.connections,
          threads: step.threads,
          durationSec: s.durationSec,
        }).catch((err: Error) => {
          // The stack stopped answering (a container died, Docker restarted): the environment, not a bug.
          throw new UserError(
            `bench proxy: ${err.message.trim()}`,
            `is the stack still up? (docker ps --filter label=com.docker.compose.project=${BENCH_PROJECT}); rerun the bench`,
          );
        }),
      );
      samples.push({ fn: step.fn, probe: step.probe, mode: step.mode, round: step.round, result, cpu });
    }
  }
  return samples;
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      'no-access-log': { type: 'boolean' },
      'no-versions': { type: 'boolean' },
      'versions-only': { type: 'boolean' },
      'variants-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const settings = benchSettings({
    quick: values.quick === true,
    rounds: str('rounds'),
    duration: str('duration'),
    connections: str('connections'),
    only: str('only'),
    noAccessLog: values['no-access-log'] === true,
  });
  const project = await openProject();
  const root = project.settings.root;
  await ensureEngine();
  await ensureWrk();
  await ensureBaseImage({ log: progress });
  const specs = await loadFunctions(
    root,
    settings.functions.filter((f) => !f.files).map((f) => f.fn),
    project.templates,
  );
  const labels: Record<string, string> = Object.fromEntries(specs.map((sp) => [sp.name, `${sp.name} (${sp.runtime})`]));
  labels[BURN.fn] = `${BURN.fn} (node, ~1 ms CPU)`;
  const machine = await machineInfo(root);
  process.stdout.write(`${describeMachine(machine)}\n`);

  // A killed earlier run may have left its stack: it would hold the bench's ports.
  await removeBenchProject();
  const benchRoot = await makeBenchProject(root, settings.functions, { accessLog: settings.accessLog });
  const benchOnly = settings.functions.filter((f) => f.files).map((f) => f.fn);
  const hadImages = await benchOnlyImages(project.settings.registry, benchOnly);
  const background: Record<string, number> = {};
  const only = values['versions-only'] === true;
  const variantsOnly = values['variants-only'] === true;
  let versions: VersionResults | undefined;
  let profile: ProxyProfile | undefined;
  let variants: VariantSample[] | undefined;
  const samples = await withCleanup(
    async () => {
      await stopBenchStack(benchRoot);
      await removeBenchOnlyImages(project.settings.registry, benchOnly, hadImages);
    },
    async () => {
      progress(`bench proxy: starting stack ${BENCH_PROJECT} with faaso's up (builds what is missing)…`);
      const stack = await startBenchStack(benchRoot, (l) => progress(`  ${l}`));
      const measured =
        only || variantsOnly
          ? []
          : await withReference(stack, { accessLog: settings.accessLog }, progress, (reference) =>
              measure(stack, settings, labels, background, reference),
            );
      if (variantsOnly) variants = await compareVariants(stack, settings, progress);
      else if (!only) {
        progress(`bench proxy: profiling Caddy for ${settings.profileSec} s under /ping load…`);
        profile = await profileProxy(stack.proxyId, `http://127.0.0.1:${PROXY_PORT}${pingRoute(stack.prepared.plan)}`, {
          seconds: settings.profileSec,
          connections: settings.connections,
        });
        variants = await compareVariants(stack, settings, progress);
      }
      if (values['no-versions'] !== true && !variantsOnly)
        versions = await compareCaddyVersions(stack, versionSettings(values.quick === true, settings), progress);
      return measured;
    },
  );
  const versionPart = versions ? `; ${versionSummaryLine(versions)}` : '';
  if (versions) process.stdout.write(versionSection(versions, versionSettings(values.quick === true, settings)));
  if (only) {
    process.stdout.write(`\nsummary: ${versionPart.slice(2)}\n`);
    const file = await saveResults(root, 'proxy', machine, { settings, versions });
    process.stdout.write(`results: ${path.relative(root, file)}\n`);
    return 0;
  }

  const per = `median of ${settings.rounds} round(s) × ${settings.durationSec} s${settings.accessLog ? '' : ', proxy access log off'}`;
  const variantPart = (): void => {
    if (variants)
      process.stdout.write(
        formatSection(
          `Caddy by parts: GET /ping at ${settings.connections} connections through copies of the proxy's config, each changing one thing (${per}; CPU per request: each copy's cgroup, and Docker's processes: dockerd, containerd, shims)`,
          ['CONFIG', 'REQ/S', 'CADDY CPU/REQ', 'DOCKER CPU/REQ', 'BOTH', 'SAVED', 'ERRORS'],
          variantRows(variants),
        ),
      );
  };
  if (variantsOnly) {
    variantPart();
    const file = await saveResults(root, 'proxy', machine, { settings, variants });
    process.stdout.write(`results: ${path.relative(root, file)}\n`);
    return 0;
  }
  const verdicts = settings.functions.map((f) => verdict(samples, f.fn, labels[f.fn]!));
  const paths = Object.fromEntries(settings.functions.map((f) => [f.fn, f.handlerPath]));
  process.stdout.write(
    formatSection(
      `latency: 1 connection, GET /ping (${per}); direct, Caddy and HAProxy at their containers' addresses, and Caddy through its port on 127.0.0.1 (Docker's userland proxy)`,
      [
        'FUNCTION',
        'DIRECT P50',
        'CADDY P50 (ADDED)',
        'HAPROXY P50 (ADDED)',
        'CADDY VIA 127.0.0.1 PORT',
        'DIRECT P99',
        'CADDY P99 (ADDED)',
        'TARGET ≤0.3 ms',
      ],
      latencyRows(samples, verdicts),
    ),
  );
  process.stdout.write(
    formatSection(
      `throughput: ${settings.connections} connections, GET /ping (${per}; host CPU busy and errors of the direct / Caddy / HAProxy / Caddy-via-port runs; proxy CPU per request from its cgroup; Docker's: dockerd, containerd, shims, docker-proxy)`,
      [
        'FUNCTION',
        'DIRECT RPS',
        'CADDY RPS (KEPT)',
        'HAPROXY RPS (KEPT)',
        'CADDY VIA PORT',
        'HOST CPU D / C / H / P',
        'CADDY CPU/REQ',
        'HAPROXY CPU/REQ',
        'DOCKER CPU/REQ C / P',
        'ERRORS D / C / H / P',
        'TARGET ≥80 %',
        'TARGET ≤150 µs',
      ],
      throughputRows(samples, verdicts),
    ),
  );
  process.stdout.write(
    formatSection(
      `real request: the handler, latency at 1 connection, throughput at ${settings.connections} (${per})`,
      [
        'FUNCTION',
        'REQUEST',
        'FUNCTION CPU/REQ',
        'DIRECT P50',
        'CADDY P50',
        'ADDED',
        'DIRECT RPS',
        'CADDY RPS',
        'KEPT',
        'HAPROXY KEPT',
        'ERRORS D / C / H',
        'TARGET ≥90 % (~1 ms handler)',
      ],
      handlerRows(samples, verdicts, paths),
    ),
  );
  if (profile) process.stdout.write(profileSection(profile, settings.connections));
  variantPart();
  const idle = settings.functions.map((f) => `${formatPercent(background[f.fn] ?? NaN)} before ${f.fn}`).join(', ');
  process.stdout.write(`\nhost CPU busy with other work (1 s without bench traffic): ${idle}\n`);
  process.stdout.write(`\n${summaryLine(verdicts, machine.cpus, background)}${versionPart}\n`);
  const file = await saveResults(root, 'proxy', machine, {
    settings,
    background,
    verdicts,
    samples,
    versions,
    profile: profile?.summary,
    variants,
  });
  process.stdout.write(`results: ${path.relative(root, file)}\n`);
  if (samples.some((x) => x.result.requests === 0))
    throw new UserError('bench proxy: a wrk run completed no request', 'see the tables above; is the stack healthy?');
  return 0;
}
