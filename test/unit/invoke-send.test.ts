import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localServer } from './local-server.ts';
import { sendFailure, sendInvoke } from '../../src/invoke/send.ts';

// A local server: /moved redirects, /target answers, /slow never does.
const hits: string[] = [];
const server = localServer(test, (req, res) => {
  hits.push(`${req.method} ${req.url}`);
  if (req.url === '/slow') return;
  if (req.url === '/moved') {
    res.writeHead(302, { location: '/target', 'x-from': 'moved' });
    res.end('see /target');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`target got ${req.method}`);
});

test('a redirect is the answer: status, location and body as the function sent them, not followed', async () => {
  hits.length = 0;
  const res = await sendInvoke({ method: 'POST', url: `${server.base()}/moved`, headers: {}, body: '{}' });
  assert.is(res.status, 302);
  assert.ok(res.headers.some(([k, v]) => k === 'location' && v === '/target'));
  assert.ok(res.headers.some(([k, v]) => k === 'x-from' && v === 'moved'));
  assert.is(res.body, 'see /target');
  assert.equal(hits, ['POST /moved']);
});

test('an answer: status, headers and body, timed', async () => {
  const res = await sendInvoke({ method: 'GET', url: `${server.base()}/target`, headers: {} });
  assert.is(res.status, 200);
  assert.is(res.body, 'target got GET');
  assert.ok(res.headers.some(([k, v]) => k === 'content-type' && v === 'text/plain'));
  assert.ok(res.ms >= 0);
});

test('no answer within the deadline: the failure says so', async () => {
  const err = await sendInvoke({ method: 'GET', url: `${server.base()}/slow`, headers: {} }, 100).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err, 'a request that got no answer must reject');
  assert.is(sendFailure(err, 100), 'no answer within 0.1 s');
});

test.run();
