// Line-wise prefixing of streamed output. Concurrent builds write to the same
// terminal; prefixing every line with its function's name keeps them readable,
// and a chunk boundary in the middle of a line must not split the prefix off.

export interface LinePrefixer {
  /** Returns the complete lines of `chunk` (plus any carried part), prefixed; keeps the rest. */
  push(chunk: string): string;
  /** Returns the unterminated rest, prefixed and newline-terminated ("" if none). */
  flush(): string;
}

export function linePrefixer(prefix: string): LinePrefixer {
  let carry = '';
  return {
    push(chunk) {
      const text = carry + chunk;
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        carry = text;
        return '';
      }
      carry = text.slice(end + 1);
      return prefixLines(prefix, text.slice(0, end + 1));
    },
    flush() {
      const rest = carry;
      carry = '';
      return rest ? prefixLines(prefix, `${rest}\n`) : '';
    },
  };
}

/** Prefixes each line of text; a trailing newline stays the last character (pure). */
export function prefixLines(prefix: string, text: string): string {
  const terminated = text.endsWith('\n');
  const lines = (terminated ? text.slice(0, -1) : text).split('\n');
  return lines.map((l) => prefix + l).join('\n') + (terminated ? '\n' : '');
}
