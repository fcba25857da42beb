import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planInvoke, routeUrl } from '../../src/invoke/plan.ts';
import type { StackConfig } from '../../src/stack/types.ts';

const config = {
  file: 'faaso.yml',
  bind: '0.0.0.0',
  proxy: { port: 8080 },
  routes: [
    { path: '/sum', function: 'sum' },
    { path: '/add', function: 'sum' },
    { path: '/hello', function: 'hello' },
  ],
  functions: [
    { name: 'hello', port: 8101 },
    { name: 'sum', port: 8102 },
  ],
} as unknown as StackConfig;
const FIELDS = { function: 'NAME', method: '--method', path: '--path', headers: '-H', body: '--data' };

test('the URL is the first route (by path) plus the path; the function sees the rest', () => {
  assert.is(routeUrl('http://h:1', '/sum', '/'), 'http://h:1/sum');
  assert.is(routeUrl('http://h:1', '/sum', '/?a=1'), 'http://h:1/sum?a=1');
  assert.is(routeUrl('http://h:1', '/sum', '/x/y'), 'http://h:1/sum/x/y');
  assert.is(routeUrl('http://h:1', '/', '/?a=1'), 'http://h:1/?a=1');
  const { request } = planInvoke(config, 'sum', { path: '/?a=1&b=2' }, FIELDS, 'invoke');
  assert.equal(request, { method: 'GET', url: 'http://127.0.0.1:8080/add?a=1&b=2', headers: {} });
});

test('--data makes a JSON POST; --direct goes to the function’s own port; headers lower-cased and sorted', () => {
  const { request } = planInvoke(
    config,
    'sum',
    { body: { data: '{"numbers":[1,2]}', mustBeJson: true }, direct: true, headers: ['X-Trace: 1', 'Accept: */*'] },
    FIELDS,
    'invoke',
  );
  assert.equal(request, {
    method: 'POST',
    url: 'http://127.0.0.1:8102/',
    headers: { accept: '*/*', 'content-type': 'application/json', 'x-trace': '1' },
    body: '{"numbers":[1,2]}',
  });
  const file = planInvoke(
    config,
    'sum',
    { method: 'put', body: { data: Buffer.from([0xff]), mustBeJson: false } },
    FIELDS,
    'x',
  );
  assert.is(file.request?.method, 'PUT');
  assert.is(file.request?.headers['content-type'], 'application/octet-stream');
});

test('every mistake at once, each naming its flag', () => {
  const { request, problems } = planInvoke(
    config,
    'summ',
    { method: 'FETCH', path: 'sum', headers: ['nocolon', 'content-length: 3'], body: { data: '{', mustBeJson: true } },
    FIELDS,
    'invoke',
  );
  assert.is(request, undefined);
  const text = problems.list.map((p) => `${p.field}: ${p.message}`).join('\n');
  assert.match(text, /--method: must be one of GET/);
  assert.match(text, /--path: must start with "\/"/);
  assert.match(text, /-H: expected "name: value", got "nocolon"/);
  assert.match(text, /-H: content-length is computed from the body/);
  assert.match(text, /--data: is not valid JSON/);
  assert.match(text, /NAME: unknown function "summ" .*did you mean "sum"/);
  const get = planInvoke(config, 'sum', { method: 'GET', body: { data: '{}', mustBeJson: true } }, FIELDS, 'invoke');
  assert.match(get.problems.list[0]!.message, /a GET request has no body/);
});

test.run();
