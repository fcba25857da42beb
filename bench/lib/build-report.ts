// Pure formatting of the build bench: the per-runtime table, the parallel
// table, and the one summary line with the ratios and the targets of issue 4.
import { formatMs, formatRatio, median, ratio } from './stats.ts';
import type { Phases } from './build-plan.ts';

export interface CaseResult {
  runtime: string;
  cold: { faasoMs: number; dockerMs: number; phases: Phases | null };
  noChange: {
    /** `node scripts/build.mjs NAME` */
    cliMs: number[];
    /** `npx zx scripts/build.mjs NAME`, as users type it, and `npx zx --version` beside it. */
    npxMs: number[];
    zxVersionMs: number[];
    inProcessMs: number[];
    dockerMs: number[];
    upToDate: boolean;
  };
  change: {
    faasoMs: number;
    dockerMs: number;
    phases: Phases | null;
    faasoDeps: boolean | null;
    faasoDepsText: string;
    dockerDeps: boolean | null;
    dockerDepsText: string;
  };
}

export interface ParallelResult {
  jobs: number;
  coldSerialMs: number;
  coldParallelMs: number;
  changeSerialMs: number;
  changeParallelMs: number;
}

/** "overhead 1.2 s · build 13 s · tests 2.1 s · push 0.9 s", or "-". */
export function formatPhases(p: Phases | null): string {
  if (!p) return '-';
  return `overhead ${formatMs(p.overheadMs)} · build ${formatMs(p.dockerMs)} · tests ${formatMs(p.testsMs)} · push ${formatMs(p.pushMs)}`;
}

export const CASE_HEADER = [
  'runtime',
  'case',
  'faaso',
  'docker build',
  'faaso/docker',
  'deps reused (faaso/docker)',
  'faaso split',
];

export function caseRows(r: CaseResult): string[][] {
  const nc = r.noChange;
  const ncFaaso = `${formatMs(median(nc.inProcessMs))} in-process, ${formatMs(median(nc.cliMs))} CLI${nc.upToDate ? '' : ' (NOT up to date)'}`;
  return [
    [
      r.runtime,
      'cold (--no-cache)',
      formatMs(r.cold.faasoMs),
      formatMs(r.cold.dockerMs),
      formatRatio(ratio(r.cold.faasoMs, r.cold.dockerMs)),
      '-',
      formatPhases(r.cold.phases),
    ],
    [
      r.runtime,
      'no change',
      ncFaaso,
      formatMs(median(nc.dockerMs)),
      formatRatio(ratio(median(nc.cliMs), median(nc.dockerMs))),
      '-',
      'no docker build (content hash)',
    ],
    [
      r.runtime,
      'one-line change',
      formatMs(r.change.faasoMs),
      formatMs(r.change.dockerMs),
      formatRatio(ratio(r.change.faasoMs, r.change.dockerMs)),
      `${r.change.faasoDepsText} / ${r.change.dockerDepsText}`,
      formatPhases(r.change.phases),
    ],
  ];
}

export const PARALLEL_HEADER = ['--all (every runtime)', 'one at a time', 'parallel', 'parallel/serial'];

export function parallelRows(p: ParallelResult): string[][] {
  return [
    [
      'cold (--no-cache)',
      formatMs(p.coldSerialMs),
      formatMs(p.coldParallelMs),
      formatRatio(ratio(p.coldParallelMs, p.coldSerialMs)),
    ],
    [
      'one-line change each',
      formatMs(p.changeSerialMs),
      formatMs(p.changeParallelMs),
      formatRatio(ratio(p.changeParallelMs, p.changeSerialMs)),
    ],
  ];
}

/** "Well under a second": half a second for faaso's own work (node's startup is apart). */
export const NO_CHANGE_TARGET_MS = 500;
/** Issue 13: a no-change build from the CLI within 0.2 s of `npx zx --version`. */
export const NPX_OVER_ZX_TARGET_MS = 200;

/** What `npx zx scripts/build.mjs` takes over `npx zx --version`: the median of the pairs' differences, worst case. */
export const npxOverZx = (results: readonly CaseResult[]): number =>
  Math.max(...results.map((r) => median(r.noChange.npxMs.map((ms, i) => ms - (r.noChange.zxVersionMs[i] ?? NaN)))));

export interface Targets {
  noChangeMet: boolean;
  depsMet: boolean;
  /** Runtimes whose one-line change reinstalled something. */
  reinstalled: string[];
}

export function evaluateTargets(results: readonly CaseResult[]): Targets {
  const worstInProcess = Math.max(...results.map((r) => median(r.noChange.inProcessMs)));
  const reinstalled = results.filter((r) => r.change.faasoDeps !== true).map((r) => r.runtime);
  return {
    noChangeMet: results.every((r) => r.noChange.upToDate) && worstInProcess < NO_CHANGE_TARGET_MS,
    depsMet: reinstalled.length === 0,
    reinstalled,
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const byRuntime = (results: readonly CaseResult[], f: (r: CaseResult) => number): string =>
  results.map((r) => `${r.runtime} ${formatRatio(f(r))}`).join(', ');

export function summaryLine(results: readonly CaseResult[], parallel: ParallelResult | null): string {
  const t = evaluateTargets(results);
  const cold = ratio(sum(results.map((r) => r.cold.faasoMs)), sum(results.map((r) => r.cold.dockerMs)));
  const change = ratio(sum(results.map((r) => r.change.faasoMs)), sum(results.map((r) => r.change.dockerMs)));
  const inProc = Math.max(...results.map((r) => median(r.noChange.inProcessMs)));
  const cli = Math.max(...results.map((r) => median(r.noChange.cliMs)));
  const cached = Math.max(...results.map((r) => median(r.noChange.dockerMs)));
  const over = npxOverZx(results);
  const npx = Math.max(...results.map((r) => median(r.noChange.npxMs)));
  const parts = [
    `cold build ${formatRatio(cold)} plain docker build (${byRuntime(results, (r) => ratio(r.cold.faasoMs, r.cold.dockerMs))}; faaso adds tests + push)`,
    `one-line change ${formatRatio(change)} (${byRuntime(results, (r) => ratio(r.change.faasoMs, r.change.dockerMs))})`,
    `no change ${formatMs(inProc)} in-process, ${formatMs(cli)} CLI with node startup, vs ${formatMs(cached)} cached docker build (target < ${formatMs(NO_CHANGE_TARGET_MS)} in-process: ${t.noChangeMet ? 'met' : 'missed'})`,
    `no change from the CLI as users type it ${formatMs(npx)}, ${over >= 0 ? '+' : ''}${formatMs(over)} over npx zx --version (target ≤ +${formatMs(NPX_OVER_ZX_TARGET_MS)}: ${over <= NPX_OVER_ZX_TARGET_MS ? 'met' : 'missed'})`,
    `code-only change reinstalls dependencies: ${t.depsMet ? 'never' : `in ${t.reinstalled.join(', ')}`} (target never: ${t.depsMet ? 'met' : 'missed'})`,
  ];
  if (parallel) {
    parts.push(
      `--all with ${parallel.jobs} jobs: cold ${formatRatio(ratio(parallel.coldParallelMs, parallel.coldSerialMs))}, one-line change ${formatRatio(ratio(parallel.changeParallelMs, parallel.changeSerialMs))} of one at a time`,
    );
  }
  return `summary: ${parts.join('; ')}`;
}
