// Pure: the deploy bench's measurements → table rows and the one summary line
// (ratios against the baselines measured in the same run, and the targets).
import type { CoreTiming } from './deploy-core.ts';
import type { ReloadCheck, ReloadTiming } from './deploy-reload.ts';
import type { SwapRound } from './deploy-swap.ts';
import type { UpTiming } from './deploy-up.ts';
import { formatKinds } from './exec-log.ts';
import { formatMs, formatRatio, median, ratio } from './stats.ts';

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

export const SWAP_HEADER = [
  'REDEPLOY',
  'COMMAND',
  'SWAP',
  'WRK REQUESTS',
  'WRK FAILED',
  'P99',
  'MAX',
  'RETRYING CLIENT: OK / FAILED / RETRIED',
];

/** " (read 3)": which kind of failure wrk saw (read = connection closed under a request). */
function failureKinds(r: SwapRound): string {
  const kinds = Object.entries(r.load.errorDetail)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return kinds.length > 0 ? ` (${kinds.join(', ')})` : '';
}

export function swapRows(rounds: readonly SwapRound[]): string[][] {
  return rounds.map((r) => [
    r.who === 'faaso' ? 'faaso up (standby → switch → replace)' : 'compose up -d --no-deps --wait',
    formatMs(r.ms),
    formatMs(r.swapMs),
    String(r.load.requests),
    `${r.load.errors}${failureKinds(r)}${r.loadEndedEarly ? ' (load ended first)' : ''}`,
    formatMs(r.load.p99Ms),
    formatMs(r.load.maxMs),
    `${r.retrying.ok} / ${r.retrying.failed} / ${r.retrying.retried}`,
  ]);
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

export interface DeployResults {
  ups: UpTiming[];
  /** Sizes whose measurement failed (the stack did not come up, or went unhealthy). */
  failures: { functions: number; error: string }[];
  reloads: ReloadTiming[];
  check: ReloadCheck | null;
  swaps: SwapRound[];
  core: CoreTiming[];
}

export function deploySummary(r: DeployResults): string {
  const parts: string[] = [];
  const ups = [
    ...r.ups.map((u) => `${u.functions} fns ${formatRatio(ratio(u.faasoMs, u.composeMs))}`),
    ...r.failures.map((f) => `${f.functions} fns FAILED`),
  ];
  if (ups.length > 0) parts.push(`up→healthy faaso/compose ${ups.join(', ')}`);
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
  const faaso = r.swaps.filter((s) => s.who === 'faaso');
  const plain = r.swaps.filter((s) => s.who === 'compose');
  if (faaso.length > 0 && plain.length > 0) {
    const sum = (list: SwapRound[], f: (s: SwapRound) => number) => list.reduce((a, s) => a + f(s), 0);
    const lost = sum(faaso, (s) => s.retrying.failed);
    const swap = median(faaso.map((s) => s.swapMs));
    const recreate = median(plain.map((s) => s.ms));
    parts.push(
      `redeploy swap ${formatMs(swap)} vs compose recreate ${formatMs(recreate)} (${formatRatio(ratio(swap, recreate))}), ` +
        `failed requests faaso ${lost} / compose ${sum(plain, (s) => s.retrying.failed)} with a retrying client (target 0: ${lost === 0 ? 'met' : 'missed'}), ` +
        `wrk (never retries) faaso ${sum(faaso, (s) => s.load.errors)} / compose ${sum(plain, (s) => s.load.errors)}`,
    );
  }
  if (r.core.length >= 2) {
    const small = r.core[0]!;
    const big = r.core[r.core.length - 1]!;
    const k = ratio(big.perFunctionMs, small.perFunctionMs);
    parts.push(
      `core plan+render ${big.functions} fns ${formatMs(big.medianMs)} (${formatMs(big.perFunctionMs)}/fn, ${formatRatio(k)} the per-fn cost of ${small.functions}: ${k <= LINEAR_MAX ? 'linear' : 'super-linear'})`,
    );
  }
  return `summary: ${parts.join('; ')}`;
}
