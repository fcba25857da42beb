import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localServer } from './local-server.ts';
import { headerValue, httpRequest } from '../../src/util/http-request.ts';

// A local server on an ephemeral port: each path answers in its own way.
const seen: { method: string; url: string; body: string; accept?: string }[] = [];
const server = localServer(test, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      body: Buffer.concat(chunks).toString(),
      accept: req.headers.accept,
    });
    if (req.url === '/silent') return; // never answers: the deadline must end the call
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.writeHead(req.url === '/created' ? 201 : 200, { 'docker-content-digest': 'sha256:abc', 'x-twice': ['a', 'b'] });
    res.end(req.method === 'HEAD' ? undefined : `answer to ${req.method} ${req.url}`);
  });
});

test('returns the status, the headers and the whole body', async () => {
  const res = await httpRequest(`${server.base()}/v2/`, { headers: { accept: 'application/json' }, timeoutMs: 2000 });
  assert.is(res.status, 200);
  assert.is(res.body.toString(), 'answer to GET /v2/');
  assert.is(headerValue(res.headers, 'Docker-Content-Digest'), 'sha256:abc');
  assert.is(headerValue(res.headers, 'x-missing'), null);
  assert.is(seen.at(-1)?.accept, 'application/json');
});

test('HEAD reads no body; PUT sends its body', async () => {
  const head = await httpRequest(`${server.base()}/m/latest`, { method: 'HEAD', timeoutMs: 2000 });
  assert.is(head.status, 200);
  assert.is(head.body.length, 0);
  const put = await httpRequest(`${server.base()}/created`, {
    method: 'PUT',
    body: Buffer.from('{"a":1}'),
    timeoutMs: 2000,
  });
  assert.is(put.status, 201);
  assert.equal(seen.at(-1), { method: 'PUT', url: '/created', body: '{"a":1}', accept: undefined });
});

test('rejects when the whole exchange outlasts the deadline', async () => {
  const err = await httpRequest(`${server.base()}/silent`, { timeoutMs: 200 }).then(
    () => null,
    (e: unknown) => e,
  );
  // The server never answers: only the deadline can have ended the call.
  assert.ok(err instanceof Error, 'a silent server must make the call fail');
  assert.match(String(err), /abort|timeout/i);
});

test('rejects a refused connection and an answer cut off before its end', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const refused = await httpRequest(`http://127.0.0.1:${port}/`, { timeoutMs: 2000 }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(refused instanceof Error);
  const cut = await httpRequest(`${server.base()}/cut`, { timeoutMs: 2000 }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(cut instanceof Error, 'a body shorter than its content-length is an error, not an answer');
});

test.run();
