// Small helpers shared by the setup steps (and the base image builder): timing,
// quiet command runs that throw a UserError carrying the output's tail on failure.
import { UserError } from '../errors.ts';
import { describeArgv, run, type RunOptions, type RunResult } from '../exec/runner.ts';

export type Log = (line: string) => void;

export const defaultLog: Log = (line) => {
  process.stdout.write(`${line}\n`);
};

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The last n non-empty lines of text, indented for use under an error message. */
export function tailLines(text: string, n: number): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  return lines
    .slice(-n)
    .map((l) => `  ${l}`)
    .join('\n');
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

/**
 * Runs argv quietly; on failure throws a UserError naming `what`, with the tail of
 * the command's output (apt and debootstrap explain themselves at the end).
 */
export async function runChecked(
  argv: readonly string[],
  what: string,
  hint: string,
  opts: RunOptions = {},
): Promise<string> {
  return (await runCheckedResult(argv, what, hint, opts)).stdout;
}

/** runChecked, returning stderr too (apt writes its warnings there). */
export async function runCheckedResult(
  argv: readonly string[],
  what: string,
  hint: string,
  opts: RunOptions = {},
): Promise<RunResult> {
  const r = await run(argv, opts);
  if (r.exitCode === 0) return r;
  const output = tailLines(`${r.stdout}\n${r.stderr}`, 12);
  throw new UserError(`${what} failed (exit ${r.exitCode}): ${describeArgv(argv)}${output ? `\n${output}` : ''}`, hint);
}
