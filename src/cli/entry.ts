// The one place where errors become exit codes. A UserError prints its message
// and hint; anything else is a bug and prints a stack trace. `--verbose` (or
// FAASO_VERBOSE=1) shows stack traces for user errors too.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.ts';
import { runPendingCleanups } from '../exec/cleanup.ts';
import { escapeNonPrinting } from '../util/text.ts';

/**
 * Ctrl-C / SIGTERM: remove what in-flight work left behind, then exit 130/143.
 * A command with its own handler (the watcher finishes the action at hand) wins.
 */
function exitOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) return;
      process.off(signal, handler);
      process.stderr.write(`\ninterrupted (${signal}): cleaning up…\n`);
      void runPendingCleanups().finally(() => process.exit(code));
    };
    process.on(signal, handler);
  }
}

export type Main = (args: string[]) => Promise<number | void>;

/** Script name → its module, imported only when that script runs. */
export type LazyMains = Record<string, () => Promise<{ main: Main }>>;

/** Loads the named module (commands and benches alike) and runs its main under runMain. */
export async function runLazy(mains: LazyMains, kind: string, name: string, args: string[]): Promise<number> {
  const load = mains[name];
  if (!load) throw new Error(`unknown ${kind} module "${name}"`);
  const { main } = await load();
  return runMain(main, args);
}

export async function runMain(main: Main, args: string[]): Promise<number> {
  const verbose = args.includes('--verbose') || process.env.FAASO_VERBOSE === '1';
  exitOnSignals();
  if (verbose) process.env.FAASO_VERBOSE = '1';
  // Node ends a process whose event loop holds nothing, even mid-await (exit
  // 13): a fetch to a port that accepted but does not answer yet, bounded only by
  // AbortSignal.timeout's unref'd timer, is such a moment. The command runs until
  // its main returns.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const code = await main(args.filter((a) => a !== '--verbose'));
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    if (err instanceof UserError) {
      // Messages quote user input (names, paths, values): nothing in them may act on the terminal.
      process.stderr.write(`error: ${escapeNonPrinting(err.message, '\n')}\n`);
      if (err.hint) process.stderr.write(`hint: ${escapeNonPrinting(err.hint, '\n')}\n`);
      if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
      return 1;
    }
    process.stderr.write(`faaso: internal error (a bug, please report it):\n${(err as Error)?.stack ?? String(err)}\n`);
    return 70;
  } finally {
    clearInterval(keepAlive);
  }
}

/** node:util parseArgs, with unknown flags reported as user errors naming the usage. */
export function parseCli<T extends ParseArgsConfig['options']>(
  args: string[],
  options: T,
  usage: string,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    const positionals = parsed.positionals;
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return { values: { ...values, help: true }, positionals };
    }
    return { values, positionals };
  } catch (err) {
    throw new UserError((err as Error).message, `usage: ${usage}`);
  }
}
