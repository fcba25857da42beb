// faaso.yml's proxy.tls through the pure validator: the three modes, ports,
// per-route hosts, Swarm, and the user's certificate files checked from the
// facts the loader reads (test/fixtures/tls: a throwaway pair for fn.test and
// api.test, valid until 2126).
import { generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import type { FileFact } from '../../src/stack/config/tls-files.ts';
import { TLS_CERT, TLS_FILES, TLS_KEY, tlsFact } from '../fixtures/tls/files.ts';

const test = suite('tls config');
const NOW = Date.parse('2026-12-01T00:00:00Z');
const CERT = TLS_CERT;
const KEY = TLS_KEY;
const file = tlsFact;
const FILES = TLS_FILES;

function check(raw: Record<string, unknown>, files: ReadonlyMap<string, FileFact> = FILES, now = NOW) {
  return validateStackConfig(
    { routes: { '/sum': 'sum', '/mul': 'multiply' }, ...raw },
    { file: 'faaso.yml', functions: ['multiply', 'sum'], registry: '127.0.0.1:5000', tlsFiles: files, now },
  );
}
const problems = (raw: Record<string, unknown>, files?: ReadonlyMap<string, FileFact>, now?: number): string[] =>
  check(raw, files, now).problems.map(formatProblem);
const tlsOf = (tls: Record<string, unknown>) => check({ proxy: { tls } }).config?.proxy;

test('domain alone: automatic HTTPS from a public CA on 80 and 443, HSTS on, plain HTTP on the HTTP port', () => {
  assert.equal(tlsOf({ domain: 'fn.example.com' }), {
    port: 80,
    tls: { mode: 'acme', domain: 'fn.example.com', hosts: [], httpsPort: 443, hsts: true },
  });
});

test('internal: LAN and single-label names; ports and HSTS configurable', () => {
  const p = tlsOf({ domain: 'nas', internal: true, http_port: 18080, https_port: 18443, hsts: false });
  assert.equal(p, { port: 18080, tls: { mode: 'internal', domain: 'nas', hosts: [], httpsPort: 18443, hsts: false } });
  assert.is(tlsOf({ domain: 'fn.lan', internal: true })?.tls?.mode, 'internal');
});

test('names a public CA will not certify are refused for ACME, with what to use instead', () => {
  for (const domain of ['fn.lan', 'nas', 'fn.home.arpa', 'a.localhost', 'fn.test'])
    assert.match(problems({ proxy: { tls: { domain } } }).join('\n'), /no public CA certifies .*use internal: true/);
  assert.equal(problems({ proxy: { tls: { domain: '10.0.0.5', internal: true } } }), [
    'faaso.yml: proxy.tls.domain: is an IP address: faaso serves HTTPS for names; give this machine one (DNS, or /etc/hosts on the clients)',
  ]);
  assert.equal(problems({ proxy: { tls: { domain: 'Fn.Example.com' } } }), [
    'faaso.yml: proxy.tls.domain: write it in lower case: fn.example.com',
  ]);
  for (const domain of ['fn example.com', 'fn.example.com {', '*.example.com', '-a.com', 'a..b', 'fn.example.com\nx'])
    assert.match(problems({ proxy: { tls: { domain } } })[0]!, /proxy\.tls\.domain: must be a host name/, domain);
});

test('every mistake at once, each under its field', () => {
  assert.equal(
    problems({
      proxy: {
        port: 8080,
        tls: { internal: 'yes', cert: 'certs/fn.crt', http_port: 0, https_port: 0, domian: 'x', hsts: 1 },
      },
    }),
    [
      'faaso.yml: proxy.port: with proxy.tls the proxy listens on tls.http_port (default 80: HTTP, redirected to HTTPS) and tls.https_port (default 443): remove port, or move it there',
      'faaso.yml: proxy.tls.domian: unknown field "domian" (did you mean "domain"?)',
      'faaso.yml: proxy.tls.internal: must be true or false (got a string)',
      'faaso.yml: proxy.tls.key: cert and key go together: name both files, or neither',
      'faaso.yml: proxy.tls.domain: required: the host name clients use, e.g. fn.example.com',
      'faaso.yml: proxy.tls.http_port: must be from 1 to 65535 (got 0)',
      'faaso.yml: proxy.tls.https_port: must be from 1 to 65535 (got 0)',
      'faaso.yml: proxy.tls.hsts: must be true or false (got an integer)',
    ],
  );
  assert.match(
    problems({ proxy: { tls: { domain: 'fn.test', internal: true, cert: 'a', key: 'b' } } }).join('\n'),
    /proxy\.tls\.internal: internal: true and cert:\/key: exclude each other/,
  );
  assert.equal(problems({ proxy: { tls: 'fn.example.com' } }), [
    'faaso.yml: proxy.tls: must be a mapping such as "{domain: fn.example.com}" (got a string)',
  ]);
  assert.match(
    problems({ proxy: { tls: { domain: 'fn.test', internal: true, cert: 'a:b', key: 'k$' } } }).join('\n'),
    /proxy\.tls\.cert: "a:b": a path with ":"/,
  );
});

test('ports: HTTP and HTTPS differ, and no function, registry or other port may take them', () => {
  assert.equal(problems({ proxy: { tls: { domain: 'fn.example.com', http_port: 8443, https_port: 8443 } } }), [
    'faaso.yml: proxy.tls.https_port: must differ from http_port (both 8443)',
  ]);
  assert.equal(
    problems({
      proxy: { tls: { domain: 'fn.example.com', https_port: 18443 } },
      functions: { sum: { port: 1443 }, multiply: { port: 18443 } },
    }),
    [
      "faaso.yml: functions.multiply.port: port 18443 is already used by the proxy's HTTPS port (proxy.tls.https_port); pick another",
    ],
  );
  assert.match(
    problems({ proxy: { tls: { domain: 'fn.example.com', https_port: 5000 } } }).join('\n'),
    /proxy\.tls\.https_port: port 5000 is already used by faaso's registry/,
  );
  assert.match(
    problems({
      proxy: { tls: { domain: 'fn.example.com', http_port: 8101 } },
      functions: { sum: { port: 8101 } },
    }).join('\n'),
    /functions\.sum\.port: port 8101 is already used by the proxy \(proxy\.tls\.http_port\)/,
  );
});

test('per-route hosts: each serves the routes it lists; unknown, shared or duplicate ones are refused', () => {
  const p = tlsOf({ domain: 'fn.test', internal: true, hosts: { 'api.test': ['/mul', '/mul'] } });
  assert.equal(p?.tls?.hosts, [{ host: 'api.test', paths: ['/mul'] }]);
  assert.equal(
    problems({
      proxy: {
        tls: {
          domain: 'fn.test',
          internal: true,
          hosts: { 'fn.test': ['/sum'], 'a.test': ['/nope', '/mul'], 'b.test': ['/mul'], 'c.test': [] },
        },
      },
    }),
    [
      'faaso.yml: proxy.tls.hosts["fn.test"]: is proxy.tls.domain already, which serves every route no host claims',
      'faaso.yml: proxy.tls.hosts["a.test"]: "/nope" is not a route in routes:',
      'faaso.yml: proxy.tls.hosts["b.test"]: /mul is served by a.test already: a route has one host',
      'faaso.yml: proxy.tls.hosts["c.test"]: must list the routes this host serves, e.g. [/sum] (got an empty or mixed list)',
    ],
  );
});

test('target swarm refuses proxy.tls in every mode, once, under its field, with what to do instead', () => {
  const swarm = { target: 'swarm', registry: '10.0.0.5:5000', bind: '0.0.0.0' };
  for (const tls of [
    { domain: 'fn.example.com' },
    { domain: 'fn.test', internal: true },
    { domain: 'fn.test', cert: 'certs/fn.crt', key: 'certs/fn.key' },
  ]) {
    const found = problems({ ...swarm, proxy: { tls } });
    assert.equal(found, [
      "faaso.yml: proxy.tls: target swarm does not serve HTTPS yet (each node's proxy would need the certificate, or its own CA); use target: compose for HTTPS, or terminate TLS in front of the Swarm's nodes and keep proxy.tls out of faaso.yml",
    ]);
  }
  // Other problems of the same file are still reported with it.
  assert.is(problems({ ...swarm, proxy: { tls: { domain: 'fn.test', internal: true, hsts: 'yes' } } }).length, 2);
});

const filesTls = (over: Record<string, unknown> = {}) => ({
  proxy: { tls: { domain: 'fn.test', cert: 'certs/fn.crt', key: 'certs/fn.key', ...over } },
});

test('cert + key: checked, kept as paths and content hashes (never their content)', () => {
  const tls = check(filesTls({ hosts: { 'api.test': ['/mul'] } })).config!.proxy.tls!;
  assert.is(tls.mode, 'files');
  assert.equal(tls.cert, { path: 'certs/fn.crt', digest: tls.cert!.digest });
  assert.match(tls.cert!.digest, /^[0-9a-f]{12}$/);
  assert.is.not(tls.cert!.digest, tls.key!.digest);
  assert.not.match(JSON.stringify(tls), /BEGIN/);
});

test('cert + key: missing, unreadable by the proxy, not PEM, encrypted, mismatched, not covering, expired', () => {
  const with_ = (cert: FileFact, key: FileFact) =>
    new Map<string, FileFact>([
      ['certs/fn.crt', cert],
      ['certs/fn.key', key],
    ]);
  assert.equal(
    problems(
      filesTls(),
      new Map([
        ['certs/fn.crt', { error: 'ENOENT' }],
        ['certs/fn.key', { error: 'EISDIR' }],
      ]),
    ),
    [
      'faaso.yml: proxy.tls.cert: no such file (a relative path starts at the folder of faaso.yml)',
      'faaso.yml: proxy.tls.key: is a folder: name the file itself',
    ],
  );
  assert.equal(problems(filesTls(), with_(file(CERT), file(KEY, { gid: 0, mode: 0o100600 }))), [
    'faaso.yml: proxy.tls.key: the proxy runs as uid 10001 and cannot read it (owner 0:0, mode 0600): let its group read it, e.g. chgrp 10001 certs/fn.key && chmod 640 certs/fn.key',
  ]);
  assert.equal(problems(filesTls(), with_(file(KEY), file(CERT))), [
    'faaso.yml: proxy.tls.cert: is not a PEM certificate (it must contain "-----BEGIN CERTIFICATE-----")',
    'faaso.yml: proxy.tls.key: is not a PEM private key (it must contain "-----BEGIN … PRIVATE KEY-----")',
  ]);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const encrypted = other.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
  assert.match(problems(filesTls(), with_(file(CERT), file(encrypted)))[0]!, /proxy\.tls\.key: is encrypted/);
  const mismatched = other.export({ type: 'pkcs8', format: 'pem' }) as string;
  assert.equal(problems(filesTls(), with_(file(CERT), file(mismatched))), [
    'faaso.yml: proxy.tls.key: does not belong to the certificate certs/fn.crt (they come from different key pairs)',
  ]);
  assert.equal(problems(filesTls({ domain: 'fn.example.com', hosts: { 'api.test': ['/mul'], 'x.test': ['/sum'] } })), [
    'faaso.yml: proxy.tls.cert: does not cover fn.example.com, x.test (it names DNS:fn.test, DNS:api.test)',
  ]);
  assert.equal(problems(filesTls(), FILES, Date.parse('2200-01-01T00:00:00Z')), [
    'faaso.yml: proxy.tls.cert: expired on 2126-11-09: renew it',
  ]);
});

test.run();
