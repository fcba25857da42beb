// Cron expressions through croner (a well-kept, dependency-free parser): five
// fields, or six with seconds first, nicknames such as @hourly, local time like
// cron itself. The rest of faaso only sees these three functions.
import { Cron } from 'croner';

const OPTIONS = { paused: true, mode: '5-or-6-parts' } as const;

function parse(expr: string): Cron {
  return new Cron(expr, OPTIONS);
}

/** Why an expression is not a usable schedule, or undefined. */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && fields !== 5 && fields !== 6)
    return `cron expression ${JSON.stringify(expr)} has ${fields} field(s): write 5 (minute hour day-of-month month day-of-week, e.g. "*/5 * * * *") or 6, seconds first`;
  let cron: Cron;
  try {
    cron = parse(expr);
  } catch (err) {
    const why = String((err as Error).message ?? err).replace(/^CronPattern:\s*/, '');
    return `invalid cron expression ${JSON.stringify(expr)}: ${why} (fields: [second] minute hour day-of-month month day-of-week, e.g. "*/5 * * * *")`;
  }
  if (cron.nextRun() === null) return `cron expression ${JSON.stringify(expr)} never fires (e.g. February 31st)`;
  return undefined;
}

/** The first time strictly after `after` (ms), or null if there is none. */
export function nextAfter(expr: string, after: number): number | null {
  return parse(expr).nextRun(new Date(after))?.getTime() ?? null;
}

/** The last time at or before `at` (ms), or null. */
export function latestAtOrBefore(expr: string, at: number): number | null {
  return (
    parse(expr)
      .previousRuns(1, new Date(at + 1))[0]
      ?.getTime() ?? null
  );
}
