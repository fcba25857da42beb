// The only place that executes commands. Everything else builds argv arrays
// (pure, unit-tested) and hands them here; zx quotes each element, so no user
// value is ever interpreted by a shell.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { $, type ProcessOutput } from 'zx';
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

async function runUntraced(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const shell = $({
    nothrow: true,
    quiet: true,
    verbose: false,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    timeout: opts.timeoutMs,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out: ProcessOutput;
  try {
    const child = shell`${argv}`;
    // Streamed output is shown as it comes and still captured, so callers can
    // explain a failure (e.g. a TLS error inside a build) after the fact.
    if (opts.stream || opts.onLine) {
      for (const [name, from, to] of [
        ['stdout', child.stdout, process.stdout],
        ['stderr', child.stderr, process.stderr],
      ] as const) {
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
    }
    out = await child;
  } catch (err) {
    // zx throws (even with nothrow) when the binary cannot be spawned at all.
    return { argv, exitCode: 127, stdout: '', stderr: String((err as Error).message ?? err) };
  }
  return { argv, exitCode: out.exitCode ?? 1, stdout: out.stdout, stderr: out.stderr };
}

/** Whether a command exists on PATH. */
export async function which(cmd: string): Promise<boolean> {
  return (await run(commandV(cmd))).exitCode === 0;
}
