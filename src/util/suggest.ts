// "did you mean ...?" for typos in field names, runtimes and function names.

/**
 * Optimal-string-alignment distance: Levenshtein plus adjacent transpositions,
 * so the common typo "pyhton" is one edit away from "python", not two.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `input` (case-insensitively) within `maxDistance`
 * edits, ties broken alphabetically; undefined when nothing is close. A
 * candidate must keep more characters than it changes, so "ab" never
 * suggests "xy".
 */
export function closestMatch(input: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  const lower = input.toLowerCase();
  let best: { name: string; dist: number } | undefined;
  for (const name of [...candidates].sort()) {
    const dist = editDistance(lower, name.toLowerCase());
    if (dist > maxDistance || dist * 2 >= Math.max(name.length, input.length)) continue;
    if (!best || dist < best.dist) best = { name, dist };
  }
  return best?.name;
}

/** ` (did you mean "x"?)` or "" — ready to append to a message. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` (did you mean ${JSON.stringify(match)}?)`;
}
