// The build profiles side by side: what the `fast` profile's quicker edit loop
// costs in request throughput, with both images built in this run and measured
// directly (no proxy), interleaved so both see the same machine load.
import { run } from '../../src/exec/runner.ts';
import { dockerPort, dockerRm, dockerRun } from '../../src/docker/argv.ts';
import { FUNCTION_PORT } from '../../src/function/contract.ts';
import { median, ratio } from './stats.ts';
import { runWrk } from './wrk.ts';
import { benchName, type RuntimeCase } from './build-plan.ts';
import type { CaseResult } from './build-report.ts';

/** Targets of issue 13: a one-line change in ≤ 10 s, ≥ 95 % of the release build's throughput. */
export const EDIT_TARGET_MS = 10_000;
export const THROUGHPUT_TARGET = 0.95;
const ROUNDS = 3;

export interface ProfileResult {
  runtime: string;
  releaseChangeMs: number;
  fastChangeMs: number;
  releaseRps: number[];
  fastRps: number[];
  /** "Today's --release build" of issue 13 (build-baseline.ts), measured beside both when it could be built. */
  baseline?: { label: string; rps: number[] };
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

/** Runs the image as production does, on an ephemeral loopback port; returns the port once /ping answers. */
async function startDirect(image: string, name: string): Promise<number> {
  await run(dockerRm(name));
  const r = await run(dockerRun({ name, image, publish: [`127.0.0.1::${FUNCTION_PORT}`], hardened: true }));
  if (r.exitCode !== 0) throw new Error(`docker run ${image}: ${r.stderr.trim()}`);
  const port = Number((await run(dockerPort(name, FUNCTION_PORT))).stdout.trim().split('\n')[0]?.split(':').pop());
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/ping`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return port;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${image} did not answer /ping within 10 s`);
}

/** Throughput of GET /ping on each profile's image (and the baseline's), rounds interleaved; containers removed after. */
export async function measureProfiles(
  registry: string,
  pair: { release: RuntimeCase; fast: RuntimeCase },
  results: readonly CaseResult[],
  durationSec: number,
  baseline?: { label: string; image: string },
): Promise<ProfileResult> {
  const sides = [pair.release, pair.fast].map((c) => ({
    image: `${registry}/${benchName(c)}:latest`,
    name: `${benchName(c)}-direct`,
  }));
  if (baseline) sides.push({ image: baseline.image, name: `${benchName(pair.release)}-baseline-direct` });
  const rps: number[][] = sides.map(() => []);
  try {
    const ports: number[] = [];
    for (const s of sides) ports.push(await startDirect(s.image, s.name));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, port] of ports.entries()) {
        const w = await runWrk({ url: `http://127.0.0.1:${port}/ping`, connections: 16, threads: 2, durationSec });
        rps[i]!.push(w.rps);
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
    releaseRps: rps[0]!,
    fastRps: rps[1]!,
    ...(baseline ? { baseline: { label: baseline.label, rps: rps[2]! } } : {}),
  };
}

export const PROFILE_HEADER = [
  'runtime',
  'one-line change release',
  'fast',
  'req/s release (median)',
  'fast',
  'fast/release',
  "req/s today's release",
  "fast/today's",
];

export function profileRows(r: ProfileResult): string[][] {
  const rel = median(r.releaseRps);
  const fast = median(r.fastRps);
  return [
    [
      r.runtime,
      `${(r.releaseChangeMs / 1000).toFixed(1)} s`,
      `${(r.fastChangeMs / 1000).toFixed(1)} s`,
      rel.toFixed(0),
      fast.toFixed(0),
      `${ratio(fast, rel).toFixed(2)}×`,
      r.baseline ? median(r.baseline.rps).toFixed(0) : '-',
      r.baseline ? `${ratio(fast, median(r.baseline.rps)).toFixed(2)}×` : '-',
    ],
  ];
}

export function profileSummary(r: ProfileResult): string {
  const share = ratio(median(r.fastRps), median(r.releaseRps));
  const met = (ok: boolean): string => (ok ? 'met' : 'missed');
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  const edit =
    `${r.runtime} profiles: fast one-line change ${(r.fastChangeMs / 1000).toFixed(1)} s ` +
    `(target ≤ ${EDIT_TARGET_MS / 1000} s: ${met(r.fastChangeMs <= EDIT_TARGET_MS)}), ` +
    `release ${(r.releaseChangeMs / 1000).toFixed(1)} s (${met(r.releaseChangeMs <= EDIT_TARGET_MS)}); `;
  if (!r.baseline)
    return `${edit}fast keeps ${pct(share)} of release throughput (target ≥ ${THROUGHPUT_TARGET * 100} %: ${met(share >= THROUGHPUT_TARGET)})`;
  // Issue 13's target is against today's release build; the current release is reported beside it.
  const ofToday = ratio(median(r.fastRps), median(r.baseline.rps));
  return (
    `${edit}fast keeps ${pct(ofToday)} of today's release throughput, ${r.baseline.label} ` +
    `(target ≥ ${THROUGHPUT_TARGET * 100} %: ${met(ofToday >= THROUGHPUT_TARGET)}), and ${pct(share)} of the current release's; ` +
    `the current release runs at ${pct(ratio(median(r.releaseRps), median(r.baseline.rps)))} of today's`
  );
}
