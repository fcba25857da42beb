// The proxy bench's plan (pure): which functions, which ports, the faaso.yml of
// its throwaway stack, and the interleaved order of wrk runs. Direct and proxied
// runs of one probe are always adjacent (side by side, same minute, same noise),
// and which of the two goes first alternates per round, so a slow drift of the
// machine (another build starting) does not always hit the same side.
import { UserError } from '../../src/errors.ts';

/**
 * Compose project of the bench stack, and the prefix of everything else the
 * bench creates: never `faaso`. FAASO_BENCH_PROJECT renames it, so two
 * checkouts can bench on one Docker host without removing each other's.
 */
export const BENCH_PROJECT = benchProject(process.env.FAASO_BENCH_PROJECT);

export function benchProject(name: string | undefined): string {
  if (name === undefined || name === '') return 'faasobench-proxy';
  if (!/^[a-z0-9][a-z0-9_-]{0,40}$/.test(name) || name === 'faaso')
    throw new UserError(
      `FAASO_BENCH_PROJECT: ${JSON.stringify(name)} is not a compose project name for the bench (lower-case letters, digits, "-", "_"; not faaso)`,
    );
  return name;
}
/** The proxy bench's port range is 18100-18199: proxy first, then one port per function. */
export const PROXY_PORT = 18100;
export const FIRST_FUNCTION_PORT = 18101;

/** A bundled example and a request its handler really answers (as its tests do). */
export interface BenchFunction {
  fn: string;
  route: string;
  handlerPath: string;
}

export const EXAMPLES: readonly BenchFunction[] = [
  { fn: 'sum', route: '/sum', handlerPath: '/?a=1&b=2' },
  { fn: 'multiply', route: '/mul', handlerPath: '/?a=6&b=7' },
  { fn: 'hello', route: '/hello', handlerPath: '/?name=Ada' },
];

export interface BenchSettings {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** Connections of the throughput runs (latency runs use exactly one). */
  connections: number;
  functions: BenchFunction[];
  /** false: measure with faaso.yml `proxy.access_log: false` (default: as users get it, logging). */
  accessLog: boolean;
}

export type Mode = 'direct' | 'proxy';
/** ping-*: GET /ping (no handler code); handler-*: the function's real handler. */
export type Probe = 'ping-latency' | 'ping-throughput' | 'handler-latency' | 'handler-throughput';
export const PROBES: readonly Probe[] = ['ping-latency', 'ping-throughput', 'handler-latency', 'handler-throughput'];

export interface Step {
  fn: string;
  probe: Probe;
  mode: Mode;
  round: number;
  url: string;
  connections: number;
  threads: number;
}

export interface BenchFlags {
  quick?: boolean;
  rounds?: string;
  duration?: string;
  connections?: string;
  only?: string;
  noAccessLog?: boolean;
}

function positiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UserError(`--${flag}: expected a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Flags → settings; --quick is a smoke run of a few seconds per function (CI). */
export function benchSettings(flags: BenchFlags): BenchSettings {
  const quick = flags.quick === true;
  const names = flags.only
    ? flags.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : EXAMPLES.map((e) => e.fn);
  const unknown = names.filter((n) => !EXAMPLES.some((e) => e.fn === n));
  if (unknown.length > 0) {
    throw new UserError(
      `--only: unknown function ${unknown.map((n) => JSON.stringify(n)).join(', ')}`,
      `the bench measures the bundled examples: ${EXAMPLES.map((e) => e.fn).join(', ')}`,
    );
  }
  return {
    rounds: positiveInt('rounds', flags.rounds, quick ? 1 : 3, 20),
    durationSec: positiveInt('duration', flags.duration, quick ? 1 : 3, 60),
    warmupSec: quick ? 1 : 2,
    connections: positiveInt('connections', flags.connections, 32, 256),
    functions: EXAMPLES.filter((e) => names.includes(e.fn)),
    accessLog: flags.noAccessLog !== true,
  };
}

/** The bench stack's faaso.yml: its own ports, so nothing collides with a user's stack. */
export function stackFile(functions: readonly BenchFunction[], opts: { accessLog?: boolean } = {}): string {
  const lines = ['# faaso proxy bench: throwaway stack (generated)', 'routes:'];
  for (const f of functions) lines.push(`  ${f.route}: ${f.fn}`);
  lines.push('proxy:', `  port: ${PROXY_PORT}`);
  if (opts.accessLog === false) lines.push('  access_log: false');
  lines.push('functions:');
  EXAMPLES.forEach((e, i) => {
    if (functions.some((f) => f.fn === e.fn)) lines.push(`  ${e.fn}:`, `    port: ${FIRST_FUNCTION_PORT + i}`);
  });
  return `${lines.join('\n')}\n`;
}

export function functionPort(fn: string): number {
  const i = EXAMPLES.findIndex((e) => e.fn === fn);
  if (i < 0) throw new Error(`no bench port for ${fn}`);
  return FIRST_FUNCTION_PORT + i;
}

/** Same request both ways: direct to the function's port, or through the route (prefix stripped by Caddy). */
export function probeUrl(f: BenchFunction, probe: Probe, mode: Mode): string {
  const rel = probe.startsWith('ping') ? '/ping' : f.handlerPath;
  if (mode === 'direct') return `http://127.0.0.1:${functionPort(f.fn)}${rel}`;
  // "/?a=1" behind "/sum" is "/sum?a=1", as users call it.
  return `http://127.0.0.1:${PROXY_PORT}${f.route}${rel.startsWith('/?') ? rel.slice(1) : rel}`;
}

/** One function's runs: rounds × probes × (direct, proxy), the pair's order alternating per round. */
export function schedule(f: BenchFunction, s: BenchSettings): Step[] {
  const steps: Step[] = [];
  for (let round = 0; round < s.rounds; round++) {
    const modes: Mode[] = round % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct'];
    for (const probe of PROBES) {
      const latency = probe.endsWith('latency');
      for (const mode of modes) {
        steps.push({
          fn: f.fn,
          probe,
          mode,
          round,
          url: probeUrl(f, probe, mode),
          // One connection measures latency without queueing; throughput uses two wrk threads (one per core).
          connections: latency ? 1 : s.connections,
          threads: latency ? 1 : 2,
        });
      }
    }
  }
  return steps;
}
