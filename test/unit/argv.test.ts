import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dockerBuild, dockerRun } from '../../src/docker/argv.ts';
import { registryRunArgv } from '../../src/registry/registry.ts';
import { describeArgv } from '../../src/exec/runner.ts';

test('dockerBuild: sorted labels, secrets, no-cache, context last', () => {
  assert.equal(
    dockerBuild({
      context: '/tmp/ctx',
      tag: 'c/sum:1',
      labels: { b: '2', a: '1' },
      noCache: true,
      secrets: { ca: '/etc/ca.crt' },
    }),
    [
      'docker',
      'build',
      '--progress=plain',
      '-t',
      'c/sum:1',
      '--label',
      'a=1',
      '--label',
      'b=2',
      '--no-cache',
      '--secret',
      'id=ca,src=/etc/ca.crt',
      '/tmp/ctx',
    ],
  );
});

test('dockerRun: hardened containers publish on loopback only', () => {
  const argv = dockerRun({ image: 'img:1', name: 'faaso-test-x', publish: ['127.0.0.1::3000'], hardened: true });
  assert.equal(argv, [
    'docker',
    'run',
    '-d',
    '--name',
    'faaso-test-x',
    '-p',
    '127.0.0.1::3000',
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--init',
    'img:1',
  ]);
});

test('registryRunArgv binds the registry to its loopback address with a named volume', () => {
  const argv = registryRunArgv('faaso/registry:abc', 'localhost:5000');
  assert.ok(argv.includes('127.0.0.1:5000:5000'));
  assert.ok(argv.includes('faaso-registry-data:/var/lib/registry'));
  // Another port gets its own container and volume.
  const other = registryRunArgv('faaso/registry:abc', '127.0.0.2:5001');
  assert.ok(other.includes('127.0.0.2:5001:5000'));
  assert.ok(other.includes('faaso-registry-5001-data:/var/lib/registry'));
  assert.ok(other.includes('faaso-registry-5001'));
  assert.ok(argv.includes('unless-stopped'));
  assert.is(argv[argv.length - 1], 'faaso/registry:abc');
});

test('describeArgv quotes what a shell would split', () => {
  assert.is(describeArgv(['docker', 'run', 'a b', "it's"]), `docker run 'a b' 'it'\\''s'`);
});

test.run();
