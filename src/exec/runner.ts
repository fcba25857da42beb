// The only place that executes commands. Everything else builds argv arrays
// (pure, unit-tested) and hands them here. They are spawned directly, with no
// shell between: no user value is ever interpreted by one, and a call costs no
// shell start-up (10–40 ms each through zx's bash).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { commandV } from './argv.ts';
import { linePrefixer } from './lines.ts';

export interface RunOptions {
  /** Also show the command's output on the terminal as it comes (docker build progress, logs). */
  stream?: boolean;
  /** With `stream`: prefix every shown line (concurrent builds share one terminal). */
  prefix?: string;
  /** Called with each complete output line as it arrives (benches time build phases by it). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Data written to the command's stdin. */
  input?: string | Buffer;
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function describeArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * FAASO_EXEC_LOG=<file>: one JSON line per executed command (argv, start, ms,
 * exit code) is appended there, so the deploy bench can count and time the
 * Docker calls a command makes without parsing its output.
 */
function logExec(argv: readonly string[], startedAt: number, exitCode: number): void {
  const file = process.env.FAASO_EXEC_LOG;
  if (!file) return;
  const line = JSON.stringify({
    argv,
    at: Math.round(startedAt),
    ms: Math.round(performance.now() - startedAt),
    exit: exitCode,
  });
  try {
    fs.appendFileSync(file, `${line}\n`);
  } catch {
    // tracing is best effort: never fail a command because its log is unwritable
  }
}

/** Runs argv and returns its result; never throws on a non-zero exit. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error('run: empty argv');
  const startedAt = performance.now();
  const result = await runUntraced(argv, opts);
  logExec(argv, startedAt, result.exitCode);
  return result;
}

function runUntraced(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    for (const [name, from, to] of [
      ['stdout', child.stdout, process.stdout],
      ['stderr', child.stderr, process.stderr],
    ] as const) {
      from.on('data', (chunk: Buffer) => out[name].push(chunk));
      // Streamed output is shown as it comes and still captured, so callers can
      // explain a failure (e.g. a TLS error inside a build) after the fact.
      if (!opts.stream && !opts.onLine) continue;
      const shown = linePrefixer(opts.prefix ?? '');
      const seen = linePrefixer('');
      // The decoder keeps a UTF-8 character split across chunks whole.
      const utf8 = new StringDecoder('utf8');
      const forward = (text: string, end: boolean): void => {
        // Unprefixed output passes through as it comes, partial lines included.
        if (opts.stream) to.write(opts.prefix === undefined ? text : shown.push(text) + (end ? shown.flush() : ''));
        const lines = seen.push(text) + (end ? seen.flush() : '');
        if (opts.onLine && lines) for (const l of lines.slice(0, -1).split('\n')) opts.onLine(l, name);
      };
      from.on('data', (chunk: Buffer) => forward(utf8.write(chunk), false));
      from.on('end', () => forward(utf8.end(), true));
    }
    // A command that reads stdin sees the input, then end of file: never a pipe left open.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs);
    let spawnError = '';
    child.on('error', (err) => (spawnError = err.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = (name: 'stdout' | 'stderr'): string => Buffer.concat(out[name]).toString('utf8');
      // A command that cannot start at all reports 127, as a shell would; one
      // killed by a signal (a timeout) has no exit code and reports 1.
      if (spawnError) resolve({ argv, exitCode: 127, stdout: '', stderr: spawnError });
      else resolve({ argv, exitCode: code ?? 1, stdout: text('stdout'), stderr: text('stderr') });
    });
  });
}

export interface FollowOptions {
  /** Each complete line of stdout and stderr, as it arrives (no trailing newline). */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting kills the command (a follow that nobody reads any more). */
  signal?: AbortSignal;
}

/** Lines of stderr a follow keeps to explain its failure; stdout is never kept. */
const FOLLOW_STDERR_LINES = 20;

/**
 * Runs a command that may go on for days (`docker logs -f`) and hands each line
 * to `onLine`. Unlike run(), nothing is buffered (zx keeps the whole output, so
 * a follow would grow without bound); resolves with its exit code and the last
 * stderr lines once it ends or is aborted.
 */
export function follow(argv: readonly string[], opts: FollowOptions): Promise<RunResult> {
  if (argv.length === 0) throw new Error('follow: empty argv');
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const stderrTail: string[] = [];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = (): void => void child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', kill, { once: true });
    if (opts.signal?.aborted) kill();
    for (const [name, from] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      const lines = linePrefixer('');
      const utf8 = new StringDecoder('utf8');
      const emit = (text: string): void => {
        if (!text) return;
        for (const l of text.slice(0, -1).split('\n')) {
          if (name === 'stderr' && stderrTail.push(l) > FOLLOW_STDERR_LINES) stderrTail.shift();
          opts.onLine(l, name);
        }
      };
      from.on('data', (chunk: Buffer) => emit(lines.push(utf8.write(chunk))));
      from.on('end', () => emit(lines.push(utf8.end()) + lines.flush()));
    }
    let spawnError = '';
    child.on('error', (err) => (spawnError = err.message));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', kill);
      const exitCode = spawnError ? 127 : (code ?? (opts.signal?.aborted ? 0 : 1));
      logExec(argv, startedAt, exitCode);
      resolve({ argv, exitCode, stdout: '', stderr: spawnError || stderrTail.join('\n') });
    });
  });
}

/** Whether a command exists on PATH. */
export async function which(cmd: string): Promise<boolean> {
  return (await run(commandV(cmd))).exitCode === 0;
}
