// What `logs` (and the console's log view) make of compose's output: compose
// 2.26 starts every line with ESC[2K ("erase line") whether or not it writes
// to a terminal, even with --ansi never, so piped logs carried it into files
// and greps. Lines are cleaned here; colours are kept only for a terminal. Pure.

/** ESC[2K, compose's line erase. */
const ERASE_LINE = /\x1b\[2K/g;
/** CSI sequences (colours, cursor moves) and OSC sequences (titles, links). */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** A log line as shown: compose's erase-line always dropped; every other escape sequence too unless `tty`. */
export function cleanLogLine(line: string, tty: boolean): string {
  const text = line.replace(ERASE_LINE, '');
  return tty ? text : text.replace(ANSI, '');
}

/**
 * Docker's --since: a duration (10m, 1h30m, 45s), a date or time (RFC 3339,
 * 2026-11-30 or 2026-11-30T12:00:00Z) or Unix seconds. Checked before any
 * command runs, so a typo gets faaso's message rather than Docker's.
 */
const SINCE = [
  /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/,
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$/,
  /^[0-9]+(?:\.[0-9]+)?$/,
];

/** Why a --since value is not one Docker takes, or undefined. */
export function sinceProblem(value: string): string | undefined {
  if (SINCE.some((re) => re.test(value))) return undefined;
  return `expected a duration such as 10m or 1h30m, a time such as 2026-11-30T12:00:00Z, or Unix seconds; got ${JSON.stringify(value)}`;
}
