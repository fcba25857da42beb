// The only place that executes commands. Everything else builds argv arrays
// (pure, unit-tested) and hands them here; zx quotes each element, so no user
// value is ever interpreted by a shell.
import { $, type ProcessOutput } from 'zx';

export interface RunOptions {
  /** Also show the command's output on the terminal as it comes (docker build progress, logs). */
  stream?: boolean;
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

/** Runs argv and returns its result; never throws on a non-zero exit. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error('run: empty argv');
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
    if (opts.stream) {
      child.stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
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
  const r = await run(['sh', '-c', 'command -v "$1"', 'sh', cmd]);
  return r.exitCode === 0;
}
