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
