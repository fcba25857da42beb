// One error type for every mistake a user can fix. Scripts catch it in one place
// (cli/entry.ts), print message + hint, and exit non-zero; anything else is a bug
// and gets a stack trace.
import { escapeNonPrinting } from './util/text.ts';

export class UserError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

/** A problem found while validating a file: `file: field: message`. */
export interface Problem {
  file: string;
  field: string;
  message: string;
}

/** One line whatever the file, field or message hold: values from a user's file are escaped. */
export function formatProblem(p: Problem): string {
  return escapeNonPrinting(p.field ? `${p.file}: ${p.field}: ${p.message}` : `${p.file}: ${p.message}`);
}

/** Raised with every problem found at once, so users fix them in one round trip. */
export class ValidationError extends UserError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], hint?: string) {
    const lines = problems.map(formatProblem);
    const head = problems.length === 1 ? '' : `${problems.length} problems:\n`;
    super(head + lines.join('\n'), hint);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** Throws a ValidationError if any problem was collected. */
export function throwIfProblems(problems: readonly Problem[], hint?: string): void {
  if (problems.length > 0) throw new ValidationError(problems, hint);
}
