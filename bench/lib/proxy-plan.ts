// The proxy bench's plan (pure): which functions, which ports, the faaso.yml of
// its throwaway stack, and the interleaved order of wrk runs. The direct, Caddy
// and HAProxy runs of one probe are always adjacent (side by side, same minute,
// same noise), and their order rotates per round, so a slow drift of the
// machine (another build starting) does not always hit the same one.
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
/** The proxy bench's port range is 18100-18199: faaso's proxy, then the reference (proxy-reference.ts). */
export const PROXY_PORT = 18100;

/** A function and a request its handler really answers (as its tests do). */
export interface BenchFunction {
  fn: string;
  route: string;
  handlerPath: string;
  /** A bench-only function's files (written into the bench project); bundled examples are copied. */
  files?: Record<string, string>;
}

/** Rounds of SHA-256 that cost about 1 ms of CPU in the node image on the 2-core hosts (the bench prints the real cost). */
export const BURN_ROUNDS = 800;

/**
 * A handler that does ~1 ms of CPU per request, so the proxy's share of a
 * request that does real work shows (issue 13: ≥ 90 % of direct throughput).
 */
export const BURN: BenchFunction = {
  fn: 'burn',
  route: '/burn',
  handlerPath: '/',
  files: {
    'function.yml': [
      'runtime: node',
      'description: Spends about 1 ms of CPU per request (proxy bench only)',
      'tests:',
      '  - name: answers after its work',
      '    expect:',
      `      json: {rounds: ${BURN_ROUNDS}}`,
      '',
    ].join('\n'),
    'handler.js': [
      "import { createHash } from 'node:crypto';",
      '',
      'export function handle() {',
      "  let h = 'faaso';",
      `  for (let i = 0; i < ${BURN_ROUNDS}; i++) h = createHash('sha256').update(h).digest('hex');`,
      `  return { rounds: h.length === 64 ? ${BURN_ROUNDS} : 0 };`,
      '}',
      '',
    ].join('\n'),
  },
};

export const EXAMPLES: readonly BenchFunction[] = [
  { fn: 'sum', route: '/sum', handlerPath: '/?a=1&b=2' },
  { fn: 'multiply', route: '/mul', handlerPath: '/?a=6&b=7' },
  { fn: 'hello', route: '/hello', handlerPath: '/?name=Ada' },
  BURN,
];

export interface BenchSettings {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** Seconds of Caddy's CPU profile. */
  profileSec: number;
  /** Connections of the throughput runs (latency runs use exactly one). */
  connections: number;
  functions: BenchFunction[];
  /** false: measure with faaso.yml `proxy.access_log: false` (default: as users get it, logging). */
  accessLog: boolean;
}

/**
 * direct: the function container's own address; proxy: faaso's Caddy at its
 * container's address (the same network path as direct); reference: HAProxy
 * (bench only) likewise; published: Caddy through its port on 127.0.0.1, as a
 * local client reaches it (Docker's userland proxy adds a hop), /ping only.
 */
export type Mode = 'direct' | 'proxy' | 'reference' | 'published';
export const MODES: readonly Mode[] = ['direct', 'proxy', 'reference', 'published'];
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
  // A smoke run proxies one runtime and the ~1 ms handler (another runtime): every code path, half the time.
  const names = flags.only
    ? flags.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : quick
      ? ['sum', BURN.fn]
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
    profileSec: quick ? 2 : 10,
    connections: positiveInt('connections', flags.connections, 32, 256),
    functions: EXAMPLES.filter((e) => names.includes(e.fn)),
    accessLog: flags.noAccessLog !== true,
  };
}

/**
 * The bench stack's faaso.yml: its own proxy port, so nothing collides with a
 * user's stack. No function publishes a port: "direct" is the container's own
 * address on the stack network, with no proxy (not even the ports listener).
 */
export function stackFile(functions: readonly BenchFunction[], opts: { accessLog?: boolean } = {}): string {
  const lines = ['# faaso proxy bench: throwaway stack (generated)', 'routes:'];
  for (const f of functions) lines.push(`  ${f.route}: ${f.fn}`);
  lines.push('proxy:', `  port: ${PROXY_PORT}`);
  if (opts.accessLog === false) lines.push('  access_log: false');
  return `${lines.join('\n')}\n`;
}

/** Where each mode is reached: each function's own base URL (http://IP:port), and each proxy's. */
export interface Endpoints {
  direct: Record<string, string>;
  proxy: string;
  reference: string;
  published: string;
}

/** Same request every way: direct to the function, or through a proxy's route (prefix stripped there). */
export function probeUrl(f: BenchFunction, probe: Probe, mode: Mode, at: Endpoints): string {
  const rel = probe.startsWith('ping') ? '/ping' : f.handlerPath;
  if (mode === 'direct') {
    const base = at.direct[f.fn];
    if (!base) throw new Error(`bench: no address for ${f.fn}`);
    return `${base}${rel}`;
  }
  // "/?a=1" behind "/sum" is "/sum?a=1", as users call it.
  return `${at[mode]}${f.route}${rel.startsWith('/?') ? rel.slice(1) : rel}`;
}

/** The modes in round `round`'s order: rotated, so a slow drift of the host hits each in turn. */
export const modesOf = (round: number): Mode[] => MODES.map((_, i) => MODES[(i + round) % MODES.length]!);

/** One function's runs: rounds × probes × modes (published for /ping only), their order rotating per round. */
export function schedule(f: BenchFunction, s: BenchSettings, at: Endpoints): Step[] {
  const steps: Step[] = [];
  for (let round = 0; round < s.rounds; round++) {
    const modes = modesOf(round);
    for (const probe of PROBES) {
      const latency = probe.endsWith('latency');
      for (const mode of modes.filter((m) => m !== 'published' || probe.startsWith('ping'))) {
        steps.push({
          fn: f.fn,
          probe,
          mode,
          round,
          url: probeUrl(f, probe, mode, at),
          // One connection measures latency without queueing; throughput uses two wrk threads (one per core).
          connections: latency ? 1 : s.connections,
          threads: latency ? 1 : 2,
        });
      }
    }
  }
  return steps;
}
