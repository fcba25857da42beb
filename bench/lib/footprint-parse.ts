// Pure parts of the footprint bench: the run flags a function container gets in
// the stack (so idle memory is measured under the same limits), parsing what
// `docker stats` and `docker image inspect` print, and the table rows.
import { HARDENED_FLAGS } from '../../src/docker/argv.ts';
import { DEFAULT_LIMITS } from '../../src/stack/config/rules.ts';
import { formatMB, formatRatio, ratio } from './stats.ts';

/** The hardening and limits every stack service has (compose.ts hardening()), as docker run flags. */
export const STACK_RUN_FLAGS: readonly string[] = [
  '--init',
  ...HARDENED_FLAGS,
  '--memory',
  DEFAULT_LIMITS.memory,
  '--cpus',
  String(DEFAULT_LIMITS.cpus),
  '--pids-limit',
  String(DEFAULT_LIMITS.pids),
];

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "12.5MiB" / "980kB" / "0B" → bytes; NaN when unreadable. */
export function parseSize(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return NaN;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  return unit === undefined ? NaN : Number(m[1]) * unit;
}

/** docker stats' MemUsage "12.5MiB / 256MiB" → used bytes. */
export function parseMemUsage(text: string): number {
  return parseSize(text.split('/')[0] ?? '');
}

/**
 * `docker stats --no-stream --format '{{json .}}'` output → container name → used
 * memory bytes. Lines that are not JSON (a container that vanished) are skipped.
 */
export function parseStats(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      const s = JSON.parse(line) as { Name?: string; MemUsage?: string };
      if (s.Name && s.MemUsage) out.set(s.Name, parseMemUsage(s.MemUsage));
    } catch {
      // not a stats line
    }
  }
  return out;
}

export interface FootprintRow {
  what: string;
  image: string;
  sizeBytes: number;
  /** Median idle memory of the running container. */
  memBytes: number;
}

/** Table rows: size, MB added to and ratio vs the base image; idle memory and ratio vs the `sleep` baseline. */
export function footprintRows(rows: readonly FootprintRow[], base: FootprintRow): string[][] {
  return [base, ...rows].map((r) => [
    r.what,
    r.image,
    formatMB(r.sizeBytes),
    r === base ? '-' : `+${formatMB(r.sizeBytes - base.sizeBytes)}`,
    r === base ? '1.00×' : formatRatio(ratio(r.sizeBytes, base.sizeBytes)),
    formatMB(r.memBytes),
    r === base ? '1.00×' : formatRatio(ratio(r.memBytes, base.memBytes)),
  ]);
}

export const FOOTPRINT_HEADER = ['WHAT', 'IMAGE', 'SIZE', 'ADDED', 'SIZE/BASE', 'IDLE MEM', 'MEM/BASE'];

/** One line: per runtime "+X MB (R×)" and idle memory, then the proxy. */
export function footprintSummary(rows: readonly FootprintRow[], base: FootprintRow): string {
  const parts = rows.map(
    (r) =>
      `${r.what} +${formatMB(r.sizeBytes - base.sizeBytes)} over base (${formatRatio(ratio(r.sizeBytes, base.sizeBytes))}), idle ${formatMB(r.memBytes)}`,
  );
  return `summary: base ${base.image} ${formatMB(base.sizeBytes)}, idle ${formatMB(base.memBytes)} (sleep); ${parts.join('; ')}`;
}
