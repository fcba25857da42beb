import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HttpTest } from '../../src/function/types.ts';
import { compareResponse } from '../../src/testing/compare.ts';
import { lineDiff } from '../../src/testing/diff.ts';
import { requestInit } from '../../src/testing/http.ts';

const t = (expect: Partial<HttpTest['expect']>): HttpTest => ({
  name: 't',
  request: { method: 'GET', path: '/', headers: {} },
  expect: { status: 200, headers: {}, ...expect },
});
const res = (
  body: string,
  status = 200,
  headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' },
) => ({ status, headers, body });

test('JSON bodies compare deeply, key order ignored', () => {
  assert.equal(compareResponse(t({ json: { a: 1, b: [1, 2] } }), res('{"b":[1,2],"a":1}')), []);
});

test('a JSON mismatch shows a line diff', () => {
  const [m] = compareResponse(t({ json: { sum: 3 } }), res('{"sum":4}'));
  assert.is(m!.what, 'json');
  assert.match(m!.detail, /- {3}"sum": 3\n\+ {3}"sum": 4/);
});

test('status, headers (media type only) and exact body', () => {
  assert.equal(compareResponse(t({ headers: { 'Content-Type': 'application/json' } }), res('{}')), []);
  const ms = compareResponse(t({ status: 201, body: 'x', headers: { 'x-a': '1' } }), res('y', 200));
  assert.equal(
    ms.map((m) => m.what),
    ['status', 'header x-a', 'body'],
  );
  assert.match(ms[1]!.detail, /no such header/);
});

test('non-JSON body where JSON was expected', () => {
  const [m] = compareResponse(t({ json: { a: 1 } }), res('oops'));
  assert.match(m!.detail, /body is not JSON/);
});

test('lineDiff marks only changed lines', () => {
  assert.is(lineDiff('a\nb\nc', 'a\nB\nc'), '  a\n- b\n+ B\n  c');
});

test('requestInit sends JSON with a content type, keeps explicit headers', () => {
  assert.equal(requestInit({ method: 'POST', path: '/', headers: {}, json: { a: 1 } }), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"a":1}',
  });
  assert.equal(requestInit({ method: 'POST', path: '/', headers: { 'Content-Type': 'text/x' }, json: 1 }).headers, {
    'Content-Type': 'text/x',
  });
  assert.equal(requestInit({ method: 'GET', path: '/', headers: {} }), { method: 'GET', headers: {} });
});

test.run();
