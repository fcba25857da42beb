// The build profiles side by side: what the `fast` profile's quicker edit loop
// costs in request throughput, with both images built in this run and measured
// directly at each container's own address (as bench/proxy.mjs's "direct" rows:
// no docker-proxy hop), in interleaved rounds so all sides see the same machine
// load. Each round also reads the function's own CPU per request from its
// cgroup: a steadier figure than req/s on a 2-core box wrk shares.
import { run } from '../../src/exec/runner.ts';
import { dockerRm, dockerRun } from '../../src/docker/argv.ts';
import { FUNCTION_PORT } from '../../src/function/contract.ts';
import { formatPercent, formatRatio, median, pairedRatios } from './stats.ts';
import { runWrk } from './wrk.ts';
import { containerCpuReader } from './cpu.ts';
import { containerAddressArgv } from './proxy-reference.ts';
import { benchName, type RuntimeCase } from './build-plan.ts';
import type { CaseResult } from './build-report.ts';

/** Targets of issue 13: a one-line change in ≤ 10 s, ≥ 95 % of the release build's throughput. */
export const EDIT_TARGET_MS = 10_000;
export const THROUGHPUT_TARGET = 0.95;
/** Interleaved rounds of wrk per image, and seconds per run: a full run, and --quick. */
export const PROFILE_ROUNDS = { full: { rounds: 12, seconds: 6 }, quick: { rounds: 2, seconds: 3 } };

/** One image's samples, one per round: requests/s and the container's CPU µs per request. */
export interface ProfileSamples {
  rps: number[];
  cpuUs: number[];
}

export interface ProfileResult {
  runtime: string;
  releaseChangeMs: number;
  fastChangeMs: number;
  release: ProfileSamples;
  fast: ProfileSamples;
  /** "Today's --release build" of issue 13 (build-baseline.ts), measured beside both when it could be built. */
  baseline?: { label: string } & ProfileSamples;
}

/** The release/fast pairs of one runtime among the cases that ran. */
export function profilePairs(cases: readonly RuntimeCase[]): { release: RuntimeCase; fast: RuntimeCase }[] {
  return cases
    .filter((c) => c.profile === 'fast')
    .flatMap((fast) => {
      const release = cases.find((c) => c.runtime === fast.runtime && c.profile === 'release');
      return release ? [{ release, fast }] : [];
    });
}

/** Runs the image as production does, on the default bridge; returns its own address once /ping answers. */
async function startDirect(image: string, name: string): Promise<string> {
  await run(dockerRm(name));
  const r = await run(dockerRun({ name, image, publish: [], hardened: true }));
  if (r.exitCode !== 0) throw new Error(`docker run ${image}: ${r.stderr.trim()}`);
  const ip = (await run(containerAddressArgv(name, 'bridge'))).stdout.trim();
  const base = `http://${ip}:${FUNCTION_PORT}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${base}/ping`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return base;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${image} did not answer /ping within 10 s`);
}

/**
 * The order the sides are measured in, in one round: shifted by one each round,
 * so no side always runs first (or right after a given other) while the machine
 * drifts within the round.
 */
export function roundOrder(round: number, sides: number): number[] {
  return Array.from({ length: sides }, (_, k) => (k + round) % sides);
}

/** Throughput and CPU per request of GET /ping on each profile's image (and the baseline's), rounds interleaved; containers removed after. */
export async function measureProfiles(
  registry: string,
  pair: { release: RuntimeCase; fast: RuntimeCase },
  results: readonly CaseResult[],
  plan: { rounds: number; seconds: number },
  baseline?: { label: string; image: string },
): Promise<ProfileResult> {
  const sides = [pair.release, pair.fast].map((c) => ({
    image: `${registry}/${benchName(c)}:latest`,
    name: `${benchName(c)}-direct`,
  }));
  if (baseline) sides.push({ image: baseline.image, name: `${benchName(pair.release)}-baseline-direct` });
  const samples: ProfileSamples[] = sides.map(() => ({ rps: [], cpuUs: [] }));
  try {
    const bases: string[] = [];
    for (const s of sides) bases.push(await startDirect(s.image, s.name));
    const cpu = await Promise.all(sides.map((s) => containerCpuReader(s.name)));
    for (let round = 0; round < plan.rounds; round++) {
      for (const i of roundOrder(round, bases.length)) {
        const base = bases[i]!;
        const before = (await cpu[i]?.()) ?? NaN;
        const w = await runWrk({ url: `${base}/ping`, connections: 16, threads: 2, durationSec: plan.seconds });
        const after = (await cpu[i]?.()) ?? NaN;
        samples[i]!.rps.push(w.rps);
        samples[i]!.cpuUs.push(w.requests > 0 ? ((after - before) * 1e6) / w.requests : NaN);
      }
    }
  } finally {
    await run(dockerRm(...sides.map((s) => s.name)));
  }
  const change = (c: RuntimeCase): number => results.find((r) => r.runtime === c.id)?.change.faasoMs ?? NaN;
  return {
    runtime: pair.release.runtime,
    releaseChangeMs: change(pair.release),
    fastChangeMs: change(pair.fast),
    release: samples[0]!,
    fast: samples[1]!,
    ...(baseline ? { baseline: { label: baseline.label, ...samples[2]! } } : {}),
  };
}

export const PROFILE_HEADER = [
  'runtime',
  'build',
  'one-line change',
  'req/s (median)',
  'CPU µs/req (median)',
  'req/s ÷ reference (paired median, range)',
  'reference CPU/req ÷ this',
];

/** Issue 13's reference: today's release build when it was built, else the current release. */
function reference(r: ProfileResult): { label: string } & ProfileSamples {
  return r.baseline ?? { label: 'release', ...r.release };
}

const spread = (p: { median: number; min: number; max: number }): string =>
  Number.isFinite(p.median) ? `${formatRatio(p.median)} (${p.min.toFixed(2)}–${p.max.toFixed(2)})` : '-';
const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
const fixed = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');

/** One row per image: the current release, fast, and today's release when built; ratios against the reference. */
export function profileRows(r: ProfileResult): string[][] {
  const ref = reference(r);
  const row = (build: string, changeMs: number, s: ProfileSamples, isRef: boolean): string[] => [
    r.runtime,
    build,
    seconds(changeMs),
    fixed(median(s.rps)),
    fixed(median(s.cpuUs)),
    isRef ? 'reference' : spread(pairedRatios(s.rps, ref.rps)),
    isRef ? 'reference' : formatRatio(pairedRatios(ref.cpuUs, s.cpuUs).median),
  ];
  return [
    row('release', r.releaseChangeMs, r.release, !r.baseline),
    row('fast', r.fastChangeMs, r.fast, false),
    ...(r.baseline ? [row(r.baseline.label, NaN, r.baseline, true)] : []),
  ];
}

export function profileSummary(r: ProfileResult): string {
  const met = (ok: boolean): string => (ok ? 'met' : 'missed');
  const ref = reference(r);
  const kept = pairedRatios(r.fast.rps, ref.rps);
  const cheaper = pairedRatios(ref.cpuUs, r.fast.cpuUs).median;
  const edit =
    `${r.runtime} profiles: fast one-line change ${seconds(r.fastChangeMs)} ` +
    `(target ≤ ${EDIT_TARGET_MS / 1000} s: ${met(r.fastChangeMs <= EDIT_TARGET_MS)}), ` +
    `release ${seconds(r.releaseChangeMs)} (${met(r.releaseChangeMs <= EDIT_TARGET_MS)}); `;
  const throughput =
    `fast keeps ${formatPercent(kept.median)} of ${r.baseline ? `today's release throughput, ${r.baseline.label}` : 'release throughput'} ` +
    `(median of ${r.fast.rps.length} paired rounds, ${formatPercent(kept.min)}–${formatPercent(kept.max)}; ` +
    `target ≥ ${THROUGHPUT_TARGET * 100} %: ${met(kept.median >= THROUGHPUT_TARGET)}); its CPU per request is ${formatRatio(1 / cheaper)} the reference's`;
  if (!r.baseline) return edit + throughput;
  // Issue 13's target is against today's release build; the current release is reported beside it.
  return (
    `${edit}${throughput}; fast keeps ${formatPercent(pairedRatios(r.fast.rps, r.release.rps).median)} of the current release's, ` +
    `which runs at ${formatPercent(pairedRatios(r.release.rps, r.baseline.rps).median)} of today's`
  );
}
