// faaso refuses an old Node before any of its code loads (scripts/_node.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: plain .mjs launcher helper without type declarations
import { NODE_MAJOR_MIN, nodeVersionProblem } from '../../scripts/_node.mjs';

test('Node 20 and newer: no problem', () => {
  for (const v of ['v20.0.0', 'v20.20.2', 'v22.11.0', 'v24.1.0', '20.19.2']) assert.is(nodeVersionProblem(v), null, v);
  assert.is(NODE_MAJOR_MIN, 20);
});

test('Node 18 (Debian bookworm): one error naming the version and the binary, and what to install', () => {
  const msg = nodeVersionProblem('v18.20.4', '/usr/bin/node') as string;
  const [error, hint, rest] = msg.split('\n');
  assert.is(error, 'error: faaso needs Node.js 20 or newer; this is Node.js 18.20.4 (/usr/bin/node)');
  assert.match(hint!, /^hint: Debian trixie and newer: `apt-get install nodejs npm`/);
  assert.match(hint!, /bookworm's nodejs is 18/);
  assert.match(hint!, /nodejs\.org/);
  assert.is(rest, '');
});

test('unreadable versions are refused, not waved through', () => {
  assert.ok(nodeVersionProblem('garbage'));
  assert.ok(nodeVersionProblem('v16.20.0'));
});

test('package.json engines says the same', async () => {
  const pkg = JSON.parse(
    await (await import('node:fs/promises')).readFile(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { engines: { node: string } };
  assert.is(pkg.engines.node, `>=${NODE_MAJOR_MIN}`);
});

test.run();
