// faaso.yml's `functions.NAME.schedule`: requests fired at a function on a cron
// schedule, through the proxy, by `watch`. Each entry is a cron expression plus
// a request written exactly like a function test's (method, path, headers, body
// or json), read by the same reader.
import { readRequest, REQUEST_KEYS } from '../../function/validate-tests.ts';
import type { HttpTestRequest } from '../../function/types.ts';
import { checkKnownKeys, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { cronProblem } from '../../schedule/cron.ts';

export const SCHEDULE_KEYS: readonly string[] = ['cron', ...REQUEST_KEYS];
/** Entries per function: a schedule is a handful of jobs, not a queue. */
export const SCHEDULE_MAX = 20;

export interface ScheduleEntry {
  cron: string;
  request: HttpTestRequest;
}

export function readSchedule(raw: unknown, field: string, p: Problems): ScheduleEntry[] {
  if (isAbsent(raw)) return [];
  const example = 'e.g. [{cron: "*/5 * * * *", method: POST, path: /, json: {}}]';
  if (!Array.isArray(raw)) {
    p.add(field, `must be a list of {cron, method, path, headers, body or json}, ${example} (got ${typeName(raw)})`);
    return [];
  }
  if (raw.length > SCHEDULE_MAX) p.add(field, `at most ${SCHEDULE_MAX} entries (got ${raw.length})`);
  const out: ScheduleEntry[] = [];
  raw.forEach((entry, i) => {
    const f = fieldPath(field, i);
    if (!isMapping(entry)) return p.add(f, `must be a mapping with cron and the request, ${example}`);
    checkKnownKeys(entry, SCHEDULE_KEYS, f, p);
    const before = p.list.length;
    const cf = fieldPath(f, 'cron');
    const cron = entry.cron;
    if (isAbsent(cron)) p.add(cf, 'required: when to fire, e.g. "*/5 * * * *" (every 5 minutes)');
    else if (typeof cron !== 'string') p.add(cf, `must be a string such as "*/5 * * * *" (got ${typeName(cron)})`);
    else {
      const why = cronProblem(cron.trim());
      if (why) p.add(cf, why);
    }
    // Unknown keys were reported above, with cron among the known ones.
    const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => REQUEST_KEYS.includes(k)));
    const request = readRequest(rest, f, p);
    if (p.list.length === before && typeof cron === 'string') out.push({ cron: cron.trim(), request });
  });
  return out;
}
