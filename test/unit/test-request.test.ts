// A function test's request: sent as written, answered as the function answers,
// and when it fails the message says why, not just "fetch failed".
import http from 'node:http';
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requestFailure, sendRequest } from '../../src/testing/http.ts';

test('the causes of an error are listed, each once, with their codes', () => {
  const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.is(
    requestFailure(new TypeError('fetch failed', { cause: inner })),
    'fetch failed: connect ECONNREFUSED 127.0.0.1:1',
  );
  const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  assert.is(
    requestFailure(new TypeError('fetch failed', { cause: socket })),
    'fetch failed: other side closed (UND_ERR_SOCKET)',
  );
  assert.is(requestFailure('boom'), 'boom');
});

test('a server that closes the connection mid-request: the message says so', async () => {
  const server = net.createServer((s) => s.once('data', () => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const err = await sendRequest(`http://127.0.0.1:${port}`, { method: 'GET', path: '/', headers: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.match(requestFailure(err), /^socket hang up \(ECONNRESET\)$/);
  } finally {
    server.close();
  }
});

test('a redirect is the answer, not followed; the body goes with its length; accept */* unless set', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(302, { location: '/elsewhere', 'x-twice': ['a', 'b'] });
    res.end('moved');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  try {
    const res = await sendRequest(base, { method: 'POST', path: '/old?x=1', headers: {}, json: { a: 1 } });
    assert.is(res.status, 302);
    assert.is(res.headers['location'], '/elsewhere');
    assert.is(res.headers['x-twice'], 'a, b');
    assert.is(res.body, 'moved');
    assert.is(seen.length, 1, 'the redirect was not followed');
    assert.is(seen[0]!['content-length'], '7');
    assert.is(seen[0]!['content-type'], 'application/json');
    assert.is(seen[0]!['accept'], '*/*');
    assert.is(seen[0]!['transfer-encoding'], undefined);
    await sendRequest(base, { method: 'GET', path: '/', headers: { Accept: 'text/plain' } });
    assert.is(seen[1]!['accept'], 'text/plain');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test.run();
