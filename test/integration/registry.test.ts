// The local registry: start/stop/status, and pushed images survive a restart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manifestDigest } from '../../src/registry/api.ts';
import { docker, removeFunctionImages, requireDocker, runScript } from './helpers.ts';

const test = suite('registry');

test.before(requireDocker);
test.after(() => removeFunctionImages(['faasoit-keep']));

test('start, push, stop, start again: the image is still there', async () => {
  const start = await runScript('registry', ['start']);
  assert.is(start.code, 0, start.output);
  await docker('tag', 'debian:trixie-slim', '127.0.0.1:5000/faasoit-keep:1');
  await docker('push', '127.0.0.1:5000/faasoit-keep:1');
  const digest = await manifestDigest('127.0.0.1:5000', 'faasoit-keep', '1');
  assert.ok(digest);

  const stop = await runScript('registry', ['stop']);
  assert.is(stop.code, 0, stop.output);
  const down = await runScript('registry', ['status']);
  assert.is(down.code, 3);
  assert.match(down.stdout, /reachable: +no/);

  const again = await runScript('registry', ['start']);
  assert.is(again.code, 0, again.output);
  assert.is(await manifestDigest('127.0.0.1:5000', 'faasoit-keep', '1'), digest);
  const status = await runScript('registry', ['status', '--json']);
  assert.is(status.code, 0);
  const s = JSON.parse(status.stdout);
  assert.ok(s.reachable);
  assert.ok(s.repositories.includes('faasoit-keep'));
  assert.match(s.container, /running/);
});

test('the registry publishes on loopback only', async () => {
  const ports = await docker('port', 'faaso-registry', '5000/tcp');
  assert.is(ports, '127.0.0.1:5000');
});

test('unknown action is a usage error', async () => {
  const r = await runScript('registry', ['restart-please']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /usage:/);
});

test.run();
