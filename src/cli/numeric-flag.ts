// Numeric command-line flags (watch --interval, logs --tail): decimal digits
// only, within bounds. An upper bound matters as much as a lower one: Node runs a
// timer of more than 2^31-1 ms after 1 ms (watch would check in a tight loop),
// and docker reads "1e+30", what String(1e30) gives, as no number at all.
import { UserError } from '../errors.ts';

export interface NumberFlagRule {
  fallback: number;
  integer: boolean;
  min: number;
  max: number;
  usage: string;
}

/** The flag's value, or the fallback when absent; a UserError naming the range otherwise. */
export function numberFlag(raw: string | boolean | string[] | undefined, flag: string, rule: NumberFlagRule): number {
  if (raw === undefined) return rule.fallback;
  const digits = rule.integer ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$/;
  const n = typeof raw === 'string' && digits.test(raw) ? Number(raw) : NaN;
  if (!(n >= rule.min && n <= rule.max)) {
    throw new UserError(
      `${flag}: expected ${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}, got ${JSON.stringify(raw)}`,
      `usage: ${rule.usage}`,
    );
  }
  return n;
}
