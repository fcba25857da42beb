import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_CA, parseRegistry, resolveSettings } from '../../src/settings.ts';
import { UserError } from '../../src/errors.ts';

test('defaults: loopback registry managed by faaso, host CA bundle when present', () => {
  const s = resolveSettings({}, (p) => p === DEFAULT_CA);
  assert.is(s.registry, '127.0.0.1:5000');
  assert.ok(s.registryManaged);
  assert.is(s.buildCa, DEFAULT_CA);
  assert.is(resolveSettings({}, () => false).buildCa, null);
});

test('FAASO_BUILD_CA=none disables the CA; a missing file is a user error', () => {
  assert.is(resolveSettings({ FAASO_BUILD_CA: 'none' }, () => true).buildCa, null);
  assert.throws(
    () => resolveSettings({ FAASO_BUILD_CA: '/nope.pem' }, () => false),
    (e: unknown) => e instanceof UserError && /FAASO_BUILD_CA/.test(e.message),
  );
});

test('registry addresses: external hosts are not managed; junk is rejected', () => {
  assert.not.ok(resolveSettings({ FAASO_REGISTRY: 'registry.example.com:443' }, () => false).registryManaged);
  assert.ok(parseRegistry('localhost:5000').loopback);
  for (const bad of ['127.0.0.1', 'a b:1', 'x:99999', 'host:5000/path', '-x:1']) {
    assert.throws(() => parseRegistry(bad), /invalid registry address/, bad);
  }
});

test.run();
