// Pure: the deploy bench's measurements → table rows and the one summary line
// (ratios against the baselines measured in the same run, and the targets).
import type { CoreTiming } from './deploy-core.ts';
import type { ReloadCheck, ReloadTiming } from './deploy-reload.ts';
import type { RedeployCase, RedeployRound } from './deploy-redeploy.ts';
import type { UpTiming } from './deploy-up.ts';
import { formatKinds } from './exec-log.ts';
import type { LoadResult } from './http-load.ts';
import { formatMs, formatRatio, median, ratio } from './stats.ts';
import type { WrkResult } from './wrk.ts';

export const UP_HEADER = [
  'FUNCTIONS',
  'FAASO UP',
  'COMPOSE UP --WAIT',
  'FAASO/COMPOSE',
  'DOCKER CALLS',
  'UP AGAIN (NO CHANGE)',
  'ITS DOCKER CALLS',
];

export function upRows(ups: readonly UpTiming[]): string[][] {
  return ups.map((u) => [
    String(u.functions),
    formatMs(u.faasoMs),
    formatMs(u.composeMs),
    formatRatio(ratio(u.faasoMs, u.composeMs)),
    `${u.faasoExec.dockerCalls} (${formatKinds(u.faasoExec, 3)})`,
    formatMs(u.noopMs),
    `${u.noopExec.dockerCalls} (${formatKinds(u.noopExec, 3)})`,
  ]);
}

export const RELOAD_HEADER = [
  'ROUTES',
  'CADDYFILE',
  'RELOAD (DOCKER EXEC)',
  'VS 1 ROUTE',
  'VALIDATE: DOCKER RUN',
  'VALIDATE: DOCKER EXEC',
];

export function reloadRows(reloads: readonly ReloadTiming[]): string[][] {
  const base = reloads.find((r) => r.routes === 1);
  return reloads.map((r) => [
    String(r.routes),
    `${(r.caddyfileBytes / 1000).toFixed(1)} kB`,
    formatMs(r.reloadMs),
    formatRatio(ratio(r.reloadMs, base?.reloadMs ?? NaN)),
    formatMs(r.validateMs),
    formatMs(r.execValidateMs),
  ]);
}

/** Each load column: failed/requests, p99, max (see deploy-load.ts for who sends what). */
export const REDEPLOY_HEADER = ['REDEPLOY', 'COMMAND', 'SWAP', 'WRK ROUTE', 'WRK OWN PORT', 'GET LOOP', 'POST LOOP'];

/** " (read 3, status 1)": how wrk's failures failed (read = the connection closed under a request). */
function wrkKinds(w: WrkResult): string {
  const kinds = Object.entries(w.errorDetail)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return kinds.length > 0 ? ` (${kinds.join(', ')})` : '';
}

/** " (ECONNRESET 2, 502 1)": the loops' failures by cause. */
function loopKinds(l: LoadResult): string {
  const kinds = Object.entries(l.errors)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`);
  return kinds.length > 0 ? ` (${kinds.join(', ')})` : '';
}

const loadCell = (failed: number, requests: number, p99: number, max: number, kinds: string): string =>
  `${failed}/${requests}, ${formatMs(p99)}, ${formatMs(max)}${kinds}`;

const wrkCell = (w: WrkResult): string => loadCell(w.errors, w.requests, w.p99Ms, w.maxMs, wrkKinds(w));
const loopCell = (l: LoadResult): string => loadCell(l.failed, l.ok + l.failed, l.p99Ms, l.maxMs, loopKinds(l));

export function redeployRows(c: RedeployCase): string[][] {
  return c.rounds.map((r) => [
    r.who === 'faaso' ? 'faaso up (A→B)' : 'compose recreate (B→A)',
    formatMs(r.ms),
    formatMs(r.swapMs),
    wrkCell(r.load.wrk.route),
    wrkCell(r.load.wrk.own),
    loopCell(r.load.get),
    loopCell(r.load.post),
  ]);
}

export const STEPS_HEADER = [
  'UP',
  'BEFORE SWAP',
  'SWAP',
  'BATCHES',
  'START (--SCALE)',
  'READY + DNS WAIT',
  'DRAIN (STOP)',
  'REMOVE (RM)',
  'AFTER SWAP',
];

/** Where each faaso round's time went, from its exec log (sums over the batches). */
export function stepRows(c: RedeployCase): string[][] {
  return c.rounds.flatMap((r) => {
    const s = r.steps;
    if (r.who !== 'faaso' || !s) return [];
    return [
      [
        formatMs(r.ms),
        formatMs(s.beforeMs),
        formatMs(s.swapMs),
        String(s.batches),
        formatMs(s.startMs),
        formatMs(s.readyMs),
        formatMs(s.drainMs),
        formatMs(s.removeMs),
        formatMs(Math.max(0, r.ms - s.beforeMs - s.swapMs)),
      ],
    ];
  });
}

/** The 1-replica redeploy's swap target: from `up` starting the swap to the old container gone. */
export const SWAP_TARGET_MS = 3000;

/** Failed requests of a round, by every client that never retries. */
export function failedRequests(r: RedeployRound): { wrk: number; loops: number } {
  return { wrk: r.load.wrk.route.errors + r.load.wrk.own.errors, loops: r.load.get.failed + r.load.post.failed };
}

/** One case for the summary line: swap vs recreate, failed requests faaso/compose, the targets. */
function redeployPart(c: RedeployCase): string | null {
  const faaso = c.rounds.filter((s) => s.who === 'faaso');
  const plain = c.rounds.filter((s) => s.who === 'compose');
  if (faaso.length === 0 || plain.length === 0) return null;
  const failed = (list: RedeployRound[], k: 'wrk' | 'loops') => list.reduce((a, s) => a + failedRequests(s)[k], 0);
  const swap = median(faaso.map((s) => s.swapMs));
  // The target holds for every round, not only the median: one slow swap is a miss.
  const worst = Math.max(...faaso.map((s) => s.swapMs));
  const recreate = median(plain.map((s) => s.ms));
  const lost = failed(faaso, 'wrk') + failed(faaso, 'loops');
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const targets = [
    ...(c.replicas === 1 ? [`swap ≤ ${formatMs(SWAP_TARGET_MS)} ${verdict(worst <= SWAP_TARGET_MS)}`] : []),
    `0 failed ${verdict(lost === 0)}`,
  ];
  const what = c.replicas === 1 ? 'redeploy 1 replica' : `rolling update ${c.replicas} replicas`;
  return (
    `${what}: swap ${formatMs(swap)}${faaso.length > 1 ? ` (slowest ${formatMs(worst)})` : ''} vs compose recreate ${formatMs(recreate)} (${formatRatio(ratio(swap, recreate))}), ` +
    `failed requests faaso/compose wrk ${failed(faaso, 'wrk')}/${failed(plain, 'wrk')}, ` +
    `non-retrying loops ${failed(faaso, 'loops')}/${failed(plain, 'loops')} (targets: ${targets.join(', ')})`
  );
}

export const CORE_HEADER = [
  'FUNCTIONS',
  'PLAN + RENDER',
  'PER FUNCTION',
  'PER-FUNCTION VS SMALL',
  'COMPOSE',
  'CADDYFILE',
];

export function coreRows(core: readonly CoreTiming[]): string[][] {
  const small = core[0];
  return core.map((c) => [
    String(c.functions),
    formatMs(c.medianMs),
    formatMs(c.perFunctionMs),
    formatRatio(ratio(c.perFunctionMs, small?.perFunctionMs ?? NaN)),
    `${(c.composeBytes / 1e6).toFixed(2)} MB`,
    `${(c.caddyfileBytes / 1e6).toFixed(2)} MB`,
  ]);
}

/** Per-function cost of the large stack at most this many times the small one's: linear, give or take noise. */
export const LINEAR_MAX = 1.5;
/** Issue 13's target: plan + render of 1,000 functions in 200 ms, i.e. 0.2 ms per function. */
export const CORE_TARGET_MS_PER_FN = 0.2;

export interface DeployResults {
  ups: UpTiming[];
  /** Sizes whose measurement failed (the stack did not come up, or went unhealthy). */
  failures: { functions: number; error: string }[];
  reloads: ReloadTiming[];
  check: ReloadCheck | null;
  /** The 1-replica redeploy, then the rolling update of several replicas. */
  redeploys: RedeployCase[];
  core: CoreTiming[];
}

/** Issue 13: `up` → all healthy no slower than compose's own `up --wait` of the same file. */
export const UP_TARGET_RATIO = 1;

export function deploySummary(r: DeployResults): string {
  const parts: string[] = [];
  const ups = [
    ...r.ups.map((u) => `${u.functions} fns ${formatRatio(ratio(u.faasoMs, u.composeMs))}`),
    ...r.failures.map((f) => `${f.functions} fns FAILED`),
  ];
  if (ups.length > 0) {
    const slow = r.ups.filter((u) => ratio(u.faasoMs, u.composeMs) > UP_TARGET_RATIO).map((u) => `${u.functions} fns`);
    const verdict =
      slow.length === 0 && r.failures.length === 0 ? 'met' : `missed at ${slow.join(', ') || 'a failed size'}`;
    parts.push(`up→healthy faaso/compose ${ups.join(', ')} (target ≤ ${formatRatio(UP_TARGET_RATIO)}: ${verdict})`);
  }
  const base = r.reloads.find((x) => x.routes === 1);
  const top = r.reloads.reduce<ReloadTiming | undefined>((a, x) => (!a || x.routes > a.routes ? x : a), undefined);
  if (base && top && top !== base) {
    const ok = r.check
      ? r.check.failures.length === 0
        ? 'answers correctly'
        : `${r.check.failures.length} wrong answers`
      : 'not checked';
    parts.push(
      `reload ${top.routes} routes ${formatMs(top.reloadMs)} = ${formatRatio(ratio(top.reloadMs, base.reloadMs))} of 1 route (${ok})`,
    );
  }
  for (const c of r.redeploys) {
    const part = redeployPart(c);
    if (part) parts.push(part);
  }
  if (r.core.length >= 2) {
    const small = r.core[0]!;
    const big = r.core[r.core.length - 1]!;
    const k = ratio(big.perFunctionMs, small.perFunctionMs);
    parts.push(
      `core plan+render ${big.functions} fns ${formatMs(big.medianMs)} (${formatMs(big.perFunctionMs)}/fn, ${formatRatio(k)} the per-fn cost of ${small.functions}: ${k <= LINEAR_MAX ? 'linear' : 'super-linear'}; target ≤ ${formatMs(CORE_TARGET_MS_PER_FN * big.functions)}: ${big.perFunctionMs <= CORE_TARGET_MS_PER_FN ? 'met' : 'missed'})`,
    );
  }
  return `summary: ${parts.join('; ')}`;
}
