// Helpers for validators that walk raw YAML values and collect every problem
// (never stopping at the first) with a field path such as tests[2].expect.status.
import type { Problem } from '../errors.ts';
import { didYouMean } from './suggest.ts';

export type Mapping = Record<string, unknown>;

/** Collects problems for one file. */
export class Problems {
  readonly list: Problem[] = [];
  constructor(readonly file: string) {}

  add(field: string, message: string): void {
    this.list.push({ file: this.file, field, message });
  }
}

/** A plain YAML mapping (not an array, null, Buffer, Map, ...). */
export function isMapping(v: unknown): v is Mapping {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** How a raw YAML value reads in a message: "a string", "a list", "a mapping", ... */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (isMapping(v)) return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  if (Buffer.isBuffer(v)) return 'binary data';
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}

/** `base.key`, or `base["odd key"]` when the key is not identifier-like. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Reports each key of `obj` not in `allowed`, with a suggestion for typos. */
export function checkKnownKeys(obj: Mapping, allowed: readonly string[], base: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const known = `known fields${base ? ` of ${base}` : ''}: ${[...allowed].sort().join(', ')}`;
    const hint = didYouMean(key, allowed);
    problems.add(fieldPath(base, key), `unknown field ${JSON.stringify(key)}${hint || ` (${known})`}`);
  }
}

/** Absent or explicitly empty (`key:` with no value) — optional fields treat both as "use the default". */
export function isAbsent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

/** C0/C1 control characters: line breaks, NUL, escape sequences... */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** A string on one line without control characters, or a problem message. */
export function singleLineProblem(v: string): string | undefined {
  if (/[\r\n]/.test(v)) return 'must be a single line (no line breaks)';
  if (CONTROL_CHARS.test(v)) return `must not contain control characters (got ${JSON.stringify(v)})`;
  return undefined;
}

/** The message for text over a size cap. */
export const tooLong = (text: string, max: number): string => `must be at most ${max} characters (got ${text.length})`;

/** Code-unit order: stable regardless of locale. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
