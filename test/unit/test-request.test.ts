// A function test whose request fails says why, not just "fetch failed".
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
    assert.match(requestFailure(err), /^fetch failed: other side closed \(UND_ERR_SOCKET\)$/);
  } finally {
    server.close();
  }
});

test.run();
