// Readers for the fields that name secrets, in function.yml (`secrets`) and
// faaso.yml (a route's `auth`). Each reports problems under its field and
// returns what is usable, so validation goes on and reports everything.
import { fieldPath, type Problems } from '../util/fields.ts';
import { readStringEntries } from '../rules/readers.ts';
import { secretNameProblem } from './rules.ts';

/** A list of secret names: each valid, none twice. Absent → []. */
export function readSecretNames(raw: unknown, field: string, p: Problems, what = 'a list of secret names'): string[] {
  const out: string[] = [];
  for (const [i, name] of readStringEntries(raw, field, p, `${what} such as [db-password]`)) {
    const why = secretNameProblem(name);
    if (why) p.add(fieldPath(field, i), why);
    else if (out.includes(name)) p.add(fieldPath(field, i), `"${name}" is listed twice`);
    else out.push(name);
  }
  return out;
}
