// Proxy commands as data, and Caddy's error lines turned into one message.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { caddyError } from '../../src/stack/proxy.ts';
import { caddyReloadArgv, caddyValidateArgv } from '../../src/stack/argv.ts';

const test = suite('proxy');

test('validate in the running proxy reads the Caddyfile from stdin', () => {
  assert.equal(caddyValidateArgv({ container: 'faaso-proxy-1' }), [
    'docker',
    'exec',
    '-i',
    'faaso-proxy-1',
    'caddy',
    'validate',
    '--config',
    '/dev/stdin',
    '--adapter',
    'caddyfile',
  ]);
});

test('validate in a throwaway container: hardened, no network, removed', () => {
  const argv = caddyValidateArgv({ image: 'faaso/caddy:abc' });
  assert.equal(argv.slice(0, 5), ['docker', 'run', '--rm', '-i', '--network']);
  for (const flag of ['--read-only', 'no-new-privileges', 'none', 'ALL', '/tmp']) assert.ok(argv.includes(flag), flag);
  assert.equal(argv.slice(argv.indexOf('faaso/caddy:abc')), [
    'faaso/caddy:abc',
    'caddy',
    'validate',
    '--config',
    '/dev/stdin',
    '--adapter',
    'caddyfile',
  ]);
});

test('reload reads the mounted file; --force only when asked', () => {
  assert.equal(caddyReloadArgv('p'), [
    'docker',
    'exec',
    'p',
    'caddy',
    'reload',
    '--config',
    '/etc/faaso/caddy/Caddyfile',
    '--adapter',
    'caddyfile',
  ]);
  assert.is(caddyReloadArgv('p', { force: true }).at(-1), '--force');
  // Another config file in the container (the proxy bench's failing one), no --force.
  assert.equal(caddyReloadArgv('p', { config: '/etc/faaso/caddy/x.Caddyfile' }).slice(4), [
    'reload',
    '--config',
    '/etc/faaso/caddy/x.Caddyfile',
    '--adapter',
    'caddyfile',
  ]);
});

test("caddy's Error: line, info logs dropped", () => {
  const stderr = [
    '{"level":"info","ts":1,"msg":"using provided configuration","config_file":"/dev/stdin","config_adapter":"caddyfile"}',
    'Error: adapting config using caddyfile: /dev/stdin:2: unrecognized directive: bogus_directive',
  ].join('\n');
  assert.is(
    caddyError(stderr),
    'adapting config using caddyfile: /dev/stdin:2: unrecognized directive: bogus_directive',
  );
});

test("the admin API's JSON envelope is unwrapped", () => {
  const stderr =
    'Error: sending configuration to instance: caddy responded with error: HTTP 400: {"error":"loading config: loading new config: http app module: start: listening on 192.0.2.1:8081: listen tcp 192.0.2.1:8081: bind: cannot assign requested address"}\n';
  assert.is(
    caddyError(stderr),
    'loading config: loading new config: http app module: start: listening on 192.0.2.1:8081: listen tcp 192.0.2.1:8081: bind: cannot assign requested address',
  );
});

test('docker-level failures pass through', () => {
  assert.is(caddyError('Error: No such container: faaso-proxy-1\n'), 'No such container: faaso-proxy-1');
  assert.is(
    caddyError('Error response from daemon: container abc is not running\n'),
    'Error response from daemon: container abc is not running',
  );
  assert.is(caddyError(''), 'caddy failed without a message');
});

test.run();
