// Small text helpers for messages built from command output.

/** The first non-empty line of text (trimmed), or ''. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Why a command failed, in one line: the first line of its stderr, else its exit code. */
export function failureLine(r: { stderr: string; exitCode: number }): string {
  return firstLine(r.stderr) || `exit code ${r.exitCode}`;
}

/** 1500000 -> "1.5 MB" (decimal units, as docker prints image sizes). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** What a terminal shows as itself: letters, marks, digits, punctuation, symbols and the plain space. */
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every character that does not print as itself escaped (\n, \t,
 * \u0085, \u2028, \u202e, \u001b...), except those in `keep`: a value from a
 * user's file or a function's output must not move the cursor, recolour the
 * terminal, reverse the text or start a line that looks like faaso's own.
 */
export function escapeNonPrinting(text: string, keep = ''): string {
  let out = '';
  for (const ch of text) {
    if (PRINTABLE.test(ch) || keep.includes(ch)) out += ch;
    else
      out +=
        SHORT_ESCAPES[ch] ??
        ch
          .split('')
          .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
          .join('');
  }
  return out;
}
