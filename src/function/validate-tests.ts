// Validation of function.yml's `tests:` list (HTTP checks run against the built image).
import {
  byCodeUnit,
  CONTROL_CHARS,
  checkKnownKeys,
  fieldPath,
  isAbsent,
  isMapping,
  singleLineProblem,
  tooLong,
  typeName,
  type Problems,
} from '../util/fields.ts';
import { DESCRIPTION_MAX } from '../rules/readers.ts';
import {
  BODILESS_METHODS,
  FORBIDDEN_REQUEST_HEADERS,
  HEADER_NAME,
  HOP_BY_HOP_HEADERS,
  HTTP_METHODS,
  REQUEST_LINE_MAX,
  REQUEST_PATH,
  TEST_BODY_MAX,
} from '../rules/values.ts';
import type { HttpTest, HttpTestExpect, HttpTestRequest } from './types.ts';

export const TEST_KEYS: readonly string[] = ['name', 'request', 'expect'];
export const REQUEST_KEYS: readonly string[] = ['method', 'path', 'headers', 'body', 'json'];
export const EXPECT_KEYS: readonly string[] = ['status', 'headers', 'body', 'json'];

/** The path of the first value inside `v` that JSON cannot represent, or undefined. */
export function nonJsonPath(v: unknown, path: string): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const bad = nonJsonPath(x, fieldPath(path, i));
      if (bad) return bad;
    }
    return undefined;
  }
  if (isMapping(v)) {
    for (const [k, x] of Object.entries(v)) {
      const bad = nonJsonPath(x, fieldPath(path, k));
      if (bad) return bad;
    }
    return undefined;
  }
  return path;
}

/** Why a request header cannot be sent as given, or undefined. */
function requestHeaderProblem(lower: string): string | undefined {
  if (FORBIDDEN_REQUEST_HEADERS.includes(lower)) return `${lower} is computed from the body; remove it`;
  if (HOP_BY_HOP_HEADERS.includes(lower))
    return `${lower} is a hop-by-hop header: it concerns one connection, not the request, and the test client cannot send it; remove it`;
  return undefined;
}

/**
 * Header values go out as bytes: a character above U+00FF is no ByteString
 * and fetch refuses the whole request.
 */
function byteStringProblem(text: string): string | undefined {
  const odd = [...text].find((ch) => ch.codePointAt(0)! > 0xff);
  if (odd === undefined) return undefined;
  const code = odd.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `cannot be sent: header values are bytes, and ${JSON.stringify(odd)} (U+${code}) is not a Latin-1 character; encode it, e.g. percent-encoded`;
}

/** Header maps: token names (lower-cased, unique ignoring case), one-line values. `request`: checked as sendable. */
function readHeaders(raw: unknown, field: string, p: Problems, request: boolean): Record<string, string> {
  if (isAbsent(raw)) return {};
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping of header name to value (got ${typeName(raw)})`);
    return {};
  }
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    const f = fieldPath(field, name);
    const lower = name.toLowerCase();
    let nameOk = false;
    const unsendable = request ? requestHeaderProblem(lower) : undefined;
    if (!HEADER_NAME.test(name)) p.add(f, `invalid header name ${JSON.stringify(name)}`);
    else if (unsendable) p.add(f, unsendable);
    else if (out.has(lower)) p.add(f, `duplicate header ${JSON.stringify(lower)} (header names ignore case)`);
    else nameOk = true;
    // Numbers and booleans read naturally in YAML ({x-trace: 1}); headers are text.
    if (
      typeof value !== 'string' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'number' && Number.isFinite(value))
    ) {
      p.add(f, `must be a string (got ${typeName(value)})`);
      continue;
    }
    const text = String(value);
    // Tabs are legal inside header values; CR/LF would split the request.
    if (CONTROL_CHARS.test(text.replace(/\t/g, '')))
      p.add(f, `must not contain line breaks or control characters (got ${JSON.stringify(text)})`);
    else if (text.length > REQUEST_LINE_MAX) p.add(f, tooLong(text, REQUEST_LINE_MAX));
    else if (request && byteStringProblem(text)) p.add(f, byteStringProblem(text)!);
    else if (nameOk) out.set(lower, text);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => byCodeUnit(a, b)));
}

/** body (text) XOR json (any JSON value, including null) — shared by request and expect. */
function readBody(raw: Record<string, unknown>, field: string, p: Problems): { body?: string; json?: unknown } {
  const hasJson = 'json' in raw;
  const hasBody = 'body' in raw && raw.body !== null;
  if (hasJson && hasBody) p.add(field, 'use either body (text) or json, not both');
  const out: { body?: string; json?: unknown } = {};
  if (hasBody) {
    if (typeof raw.body === 'string' && raw.body.length > TEST_BODY_MAX)
      p.add(fieldPath(field, 'body'), tooLong(raw.body, TEST_BODY_MAX));
    else if (typeof raw.body === 'string') out.body = raw.body;
    else
      p.add(fieldPath(field, 'body'), `must be a string (got ${typeName(raw.body)}); quote it, or use json: for JSON`);
  }
  if (hasJson) {
    const bad = nonJsonPath(raw.json, fieldPath(field, 'json'));
    const sent = bad ? '' : JSON.stringify(raw.json);
    if (bad)
      p.add(bad, 'is not representable in JSON (use finite numbers, strings, booleans, null, lists and mappings)');
    else if (sent.length > TEST_BODY_MAX) p.add(fieldPath(field, 'json'), tooLong(sent, TEST_BODY_MAX));
    else out.json = raw.json;
  }
  return out;
}

export function readRequest(raw: unknown, field: string, p: Problems): HttpTestRequest {
  const req: HttpTestRequest = { method: 'GET', path: '/', headers: {} };
  if (isAbsent(raw)) return req;
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping with method, path, headers, body or json (got ${typeName(raw)})`);
    return req;
  }
  checkKnownKeys(raw, REQUEST_KEYS, field, p);
  if (!isAbsent(raw.method)) {
    const m = typeof raw.method === 'string' ? raw.method.toUpperCase() : undefined;
    if (m !== undefined && HTTP_METHODS.includes(m)) req.method = m;
    else
      p.add(
        fieldPath(field, 'method'),
        `must be one of ${HTTP_METHODS.join(', ')} (got ${JSON.stringify(raw.method) ?? typeName(raw.method)})`,
      );
  }
  if (!isAbsent(raw.path)) {
    const path = raw.path;
    const f = fieldPath(field, 'path');
    if (typeof path !== 'string') p.add(f, `must be a string such as "/" or "/items?id=1" (got ${typeName(path)})`);
    else if (!path.startsWith('/')) p.add(f, `must start with "/" (got ${JSON.stringify(path)})`);
    // "//host/x" reads as a scheme-relative URL and could send the test elsewhere.
    else if (path.startsWith('//')) p.add(f, `must not start with "//" (got ${JSON.stringify(path)})`);
    else if (path.includes('#')) p.add(f, `must not contain "#" (fragments are never sent to the server)`);
    else if (path.length > REQUEST_LINE_MAX) p.add(f, tooLong(path, REQUEST_LINE_MAX));
    else if (!REQUEST_PATH.test(path))
      p.add(
        f,
        `must not contain spaces, control or non-ASCII characters; percent-encode them (got ${JSON.stringify(path)})`,
      );
    else req.path = path;
  }
  req.headers = readHeaders(raw.headers, fieldPath(field, 'headers'), p, true);
  const body = readBody(raw, field, p);
  if (BODILESS_METHODS.includes(req.method) && (body.body !== undefined || body.json !== undefined)) {
    const which = body.body !== undefined ? 'body' : 'json';
    p.add(
      fieldPath(field, which),
      `a ${req.method} request cannot have a body; use POST (or PUT, PATCH...) or remove ${which}`,
    );
  }
  return { ...req, ...body };
}

function readExpect(raw: unknown, field: string, p: Problems): HttpTestExpect {
  const exp: HttpTestExpect = { status: 200, headers: {} };
  if (isAbsent(raw)) return exp;
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping with status, headers, body or json (got ${typeName(raw)})`);
    return exp;
  }
  checkKnownKeys(raw, EXPECT_KEYS, field, p);
  if (!isAbsent(raw.status)) {
    const s = raw.status;
    if (typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599) exp.status = s;
    else
      p.add(
        fieldPath(field, 'status'),
        `must be an HTTP status code, an integer from 100 to 599 (got ${JSON.stringify(s) ?? typeName(s)})`,
      );
  }
  exp.headers = readHeaders(raw.headers, fieldPath(field, 'headers'), p, false);
  return { ...exp, ...readBody(raw, field, p) };
}

/** Validates `tests:`; absent -> []. Test names must be unique: they identify failures. */
export function readTests(raw: unknown, field: string, p: Problems): HttpTest[] {
  if (isAbsent(raw)) return [];
  if (!Array.isArray(raw)) {
    p.add(field, `must be a list of tests, each with name, request and expect (got ${typeName(raw)})`);
    return [];
  }
  const seen = new Map<string, string>();
  const tests: HttpTest[] = [];
  raw.forEach((t, i) => {
    const f = fieldPath(field, i);
    if (!isMapping(t)) return p.add(f, `must be a mapping with name, request and expect (got ${typeName(t)})`);
    checkKnownKeys(t, TEST_KEYS, f, p);
    const nf = fieldPath(f, 'name');
    let name = '';
    if (isAbsent(t.name)) p.add(nf, 'required (a short sentence saying what the test checks)');
    else if (typeof t.name !== 'string' || t.name.trim() === '')
      p.add(nf, `must be a non-empty string (got ${typeName(t.name)})`);
    else {
      name = t.name.trim();
      const why =
        singleLineProblem(name) ?? (name.length > DESCRIPTION_MAX ? tooLong(name, DESCRIPTION_MAX) : undefined);
      if (why) p.add(nf, why);
      else if (seen.has(name)) p.add(nf, `duplicate test name ${JSON.stringify(name)} (also ${seen.get(name)})`);
      else seen.set(name, nf);
    }
    tests.push({
      name,
      request: readRequest(t.request, fieldPath(f, 'request'), p),
      expect: readExpect(t.expect, fieldPath(f, 'expect'), p),
    });
  });
  return tests;
}
