// Readers for the fields function.yml and template.yml share. Each takes the
// raw YAML value, reports problems under `field`, and returns a usable value
// (the default when absent) so validation can go on and report everything.
import {
  checkKnownKeys,
  fieldPath,
  isAbsent,
  isMapping,
  singleLineProblem,
  tooLong,
  typeName,
  type Problems,
} from '../util/fields.ts';
import { globProblem, packageProblem } from './values.ts';

export const PACKAGES_KEYS: readonly string[] = ['build', 'run'];

/** Max length of a description: it is shown in one-line listings. */
export const DESCRIPTION_MAX = 200;

/** The [index, string] entries of a list; non-strings are reported. Absent -> []. */
export function readStringEntries(
  raw: unknown,
  field: string,
  p: Problems,
  what = 'a list of strings',
): Array<[number, string]> {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) {
    p.add(field, `must be ${what} (got ${typeName(raw)})`);
    return [];
  }
  const out: Array<[number, string]> = [];
  raw.forEach((v, i) => {
    if (typeof v === 'string') out.push([i, v]);
    else p.add(fieldPath(field, i), `must be a string (got ${typeName(v)})`);
  });
  return out;
}

/** `{build: [...], run: [...]}` of Debian package names; sorted, duplicates dropped. */
export function readPackages(raw: unknown, field: string, p: Problems): { build: string[]; run: string[] } {
  const out = { build: [] as string[], run: [] as string[] };
  if (isAbsent(raw)) return out;
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping with "build" and/or "run" lists (got ${typeName(raw)})`);
    return out;
  }
  checkKnownKeys(raw, PACKAGES_KEYS, field, p);
  for (const stage of ['build', 'run'] as const) {
    const ok: string[] = [];
    for (const [i, name] of readStringEntries(raw[stage], fieldPath(field, stage), p)) {
      const why = packageProblem(name);
      if (why) p.add(fieldPath(fieldPath(field, stage), i), why);
      else ok.push(name);
    }
    out[stage] = [...new Set(ok)].sort();
  }
  return out;
}

/** A list of safe globs (see rules.globProblem). */
export function readGlobs(raw: unknown, field: string, p: Problems, forbidden: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [i, glob] of readStringEntries(raw, field, p, 'a list of globs such as ["data/*.json"]')) {
    const why = globProblem(glob, forbidden);
    if (why) p.add(fieldPath(field, i), why);
    else out.push(glob);
  }
  return out;
}

/** An optional one-line description, at most DESCRIPTION_MAX characters. Absent -> "". */
export function readDescription(raw: unknown, field: string, p: Problems, required = false): string {
  if (isAbsent(raw)) {
    if (required) p.add(field, 'required (one line saying what this is)');
    return '';
  }
  if (typeof raw !== 'string') {
    p.add(field, `must be a string (got ${typeName(raw)})`);
    return '';
  }
  const why = singleLineProblem(raw);
  if (why) p.add(field, why);
  else if (raw.length > DESCRIPTION_MAX) p.add(field, tooLong(raw, DESCRIPTION_MAX));
  return raw.trim();
}
