import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFailure } from '../../src/build/build.ts';

test('a TLS error inside the build names the cause and FAASO_BUILD_CA', () => {
  const e = buildFailure(
    'multiply',
    '#9 70.87 npm ERR! code SELF_SIGNED_CERT_IN_CHAIN\n',
    '/etc/ssl/certs/ca-certificates.crt',
  );
  assert.match(e.message, /could not verify a TLS certificate/);
  assert.match(e.hint!, /trusts \/etc\/ssl\/certs\/ca-certificates\.crt; point FAASO_BUILD_CA/);
  const none = buildFailure('sum', 'pip: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed', null);
  assert.match(none.hint!, /set FAASO_BUILD_CA/);
});

test('any other failure points at export for debugging', () => {
  const e = buildFailure('sum', 'E: Unable to locate package nope', null);
  assert.match(e.message, /^sum: docker build failed .* previous image is unchanged$/);
  assert.match(e.hint!, /scripts\/export\.mjs sum/);
});

test.run();
