// Pure comparison of an HTTP response with a test's expectations, producing
// readable differences (a line diff for bodies) rather than a bare "not equal".
import { isDeepStrictEqual } from 'node:util';
import type { HttpTest } from '../function/types.ts';
import { lineDiff } from './diff.ts';

export interface HttpResponseData {
  status: number;
  headers: Record<string, string>; // lower-case names
  body: string;
}

export interface Mismatch {
  what: string;
  detail: string;
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** A header matches when equal, or when the expectation names only the media type (no parameters). */
function headerMatches(expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (actual === expected) return true;
  return !expected.includes(';') && actual.split(';')[0]!.trim().toLowerCase() === expected.trim().toLowerCase();
}

export function compareResponse(test: HttpTest, res: HttpResponseData): Mismatch[] {
  const out: Mismatch[] = [];
  const { expect } = test;
  if (res.status !== expect.status)
    out.push({ what: 'status', detail: `expected ${expect.status}, got ${res.status}` });
  for (const name of Object.keys(expect.headers).sort()) {
    const actual = res.headers[name.toLowerCase()];
    if (!headerMatches(expect.headers[name]!, actual)) {
      out.push({
        what: `header ${name}`,
        detail: `expected ${JSON.stringify(expect.headers[name])}, got ${actual === undefined ? 'no such header' : JSON.stringify(actual)}`,
      });
    }
  }
  if (expect.json !== undefined) {
    let actual: unknown;
    try {
      actual = JSON.parse(res.body);
    } catch {
      out.push({ what: 'json', detail: `body is not JSON:\n${lineDiff(canonicalJson(expect.json), res.body)}` });
      return out;
    }
    if (!isDeepStrictEqual(actual, expect.json))
      out.push({ what: 'json', detail: lineDiff(canonicalJson(expect.json), canonicalJson(actual)) });
  }
  if (expect.body !== undefined && res.body !== expect.body)
    out.push({ what: 'body', detail: lineDiff(expect.body, res.body) });
  return out;
}
