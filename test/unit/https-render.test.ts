// proxy.tls through the renderers: the routes' Caddyfile and the compose file
// against golden files, and what `up` decides from them
// (fingerprints, diff, steps, URLs). Regenerate the golden files after an
// intended change with: FAASO_UPDATE_GOLDEN=1 node --import tsx test/run.mjs unit --filter https-render
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { caddyValidateArgv } from '../../src/stack/argv.ts';
import { diffStack } from '../../src/stack/diff.ts';
import { renderCaddyfile, renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { redirectTarget } from '../../src/stack/render/caddyfile-tls.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { proxyFingerprint } from '../../src/stack/render/fingerprint.ts';
import { tlsCheckMounts } from '../../src/stack/render/proxy-tls.ts';
import { planSteps } from '../../src/stack/steps.ts';
import { routeUrls } from '../../src/stack/urls.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { goldenPlan } from '../fixtures/compose/plan.ts';
import { FILES_TLS, TLS_FILES } from '../fixtures/tls/files.ts';
import { proxies } from './stack-fixtures.ts';

const test = suite('https render');
type Json = any;

const INTERNAL = { domain: 'fn.test', internal: true, hosts: { 'api.test': ['/mul'] } };
const internalPlan = (over: Record<string, unknown> = {}): StackPlan =>
  goldenPlan({ proxy: { tls: { ...INTERNAL, ...over } } });
const filesPlan = (over: Record<string, unknown> = {}): StackPlan =>
  goldenPlan({ proxy: { tls: { ...FILES_TLS, ...over } } }, { tlsFiles: TLS_FILES });

function golden(text: string, rel: string): void {
  const url = new URL(`../fixtures/${rel}`, import.meta.url);
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(url, text);
  assert.fixture(text, fs.readFileSync(url, 'utf8'));
}

/** Lines opening a block at the top level: the global options and each site. */
const sites = (text: string): string[] => text.split('\n').filter((l) => /^(?![\t#]).*\{$/.test(l));

test('internal CA with a per-route host: the golden Caddyfile, an HTTP site and one HTTPS site per name', () => {
  const text = renderCaddyfile(internalPlan());
  golden(text, 'caddy/https.Caddyfile');
  assert.equal(sites(text), ['{', ':8080 {', 'fn.test {', 'api.test {']);
  // The proxy's healthcheck asks plain HTTP on 8080 inside the container: it keeps answering there.
  assert.match(
    text,
    /:8080 \{\n\tlog \{\n(?:\t\t.*\n)+?\t\}\n\n\thandle \/__faaso\/health \{\n\t\tskip_log\n\t\theader X-Faaso-Routes [0-9a-f]{12}\n\t\trespond "ok" 200/,
  );
  assert.match(text, /\n\thttp_port 8080\n\thttps_port 8443\n\tauto_https disable_redirects\n\tskip_install_trust\n/);
  assert.match(text, /\tservers \{\n\t\tprotocols h1 h2\n/);
  assert.match(text, /\t@https host api\.test fn\.test\n\thandle @https \{\n\t\tredir https:\/\/\{host\}\{uri\} 308\n/);
  assert.is(text.match(/\n\ttls internal\n\theader Strict-Transport-Security "max-age=31536000"\n/g)?.length, 2);
  // /mul only on api.test; the other routes only on fn.test.
  const [, fnSite, apiSite] = text.split(/\n(?=fn\.test \{|api\.test \{)/);
  assert.match(apiSite!, /path \/mul \/mul\/\*/);
  assert.not.match(apiSite!, /path \/sum/);
  assert.match(fnSite!, /path \/sum \/sum\/\*/);
  assert.not.match(fnSite!, /path \/mul/);
  assert.not.match(text, /auto_https off/);
});

test('ACME (domain alone): golden Caddyfile and compose; Caddy obtains each name itself, challenges reach it on 80 and 443', () => {
  const plan = goldenPlan({ proxy: { tls: { domain: 'fn.example.com', hosts: { 'api.example.com': ['/mul'] } } } });
  const text = renderCaddyfile(plan);
  golden(text, 'caddy/acme.Caddyfile');
  // Sites named by host and no tls directive: Caddy's automatic HTTPS manages exactly these names from a public CA.
  assert.equal(sites(text), ['{', ':8080 {', 'fn.example.com {', 'api.example.com {']);
  assert.not.match(text, /\ttls |skip_install_trust|auto_https off|acme_ca|local_certs/);
  // Caddy answers the HTTP-01 challenge on its http_port (the container's 8080, published as 80) before any
  // handler, and TLS-ALPN-01 on its https_port (8443, published as 443); its own redirect is off for faaso's.
  assert.match(text, /\n\thttp_port 8080\n\thttps_port 8443\n\tauto_https disable_redirects\n/);
  assert.match(
    text,
    /\t@https host api\.example\.com fn\.example\.com\n\thandle @https \{\n\t\tredir https:\/\/\{host\}\{uri\} 308\n/,
  );
  assert.is(text.match(/\n\theader Strict-Transport-Security "max-age=31536000"\n/g)?.length, 2);
  const doc: Json = parse(renderCompose(plan));
  assert.equal(doc.services.proxy.ports, ['127.0.0.1:80:8080', '127.0.0.1:443:8443']);
  // The ACME account and the certificates outlive the container: a new one would be rate-limited by the CA.
  assert.equal(doc.services.proxy.volumes, ['./caddy:/etc/faaso/caddy:ro', 'proxy-data:/data']);
  assert.is(doc.services.proxy.environment.XDG_DATA_HOME, '/data');
  assert.is(routeUrls(plan, ['/mul', '/sum']), 'https://api.example.com/mul https://fn.example.com/sum');
});

test('ACME: no tls directive (Caddy manages the names itself); files: the fixed paths; HSTS can be off', () => {
  const acme = renderCaddyfile(goldenPlan({ proxy: { tls: { domain: 'fn.example.com', https_port: 8443 } } }));
  assert.not.match(acme, /\ttls |skip_install_trust/);
  assert.match(acme, /redir https:\/\/\{host\}:8443\{uri\} 308/);
  const files = renderCaddyfile(filesPlan({ hsts: false }));
  assert.match(files, /\nfn\.test \{\n\ttls \/run\/secrets\/faaso_tls_cert \/run\/secrets\/faaso_tls_key\n\tlog \{/);
  assert.not.match(files, /Strict-Transport-Security|certs\/fn/);
  assert.is(redirectTarget(443), 'https://{host}{uri}');
  assert.is(redirectTarget(18443), 'https://{host}:18443{uri}');
  // The functions' own ports stay plain HTTP, whatever the routes do.
  assert.is(renderPortsCaddyfile(internalPlan()), renderPortsCaddyfile(goldenPlan()));
});

test('compose with the internal CA: golden file; HTTP and HTTPS published on bind, certificates on a named volume', () => {
  const text = renderCompose(internalPlan({ http_port: 8000, https_port: 8443 }));
  golden(text, 'compose/docker-compose.https.yml');
  const doc: Json = parse(text);
  const p = doc.services.proxy;
  assert.equal(p.ports, ['127.0.0.1:8000:8080', '127.0.0.1:8443:8443']);
  assert.equal(p.volumes, ['./caddy:/etc/faaso/caddy:ro', 'proxy-data:/data']);
  assert.equal(p.environment, { XDG_CONFIG_HOME: '/tmp/caddy-config', XDG_DATA_HOME: '/data' });
  assert.equal(doc.volumes, { 'proxy-data': {} });
  assert.equal([p.read_only, p.cap_drop, p.tmpfs], [true, ['ALL'], ['/tmp']]);
  assert.equal(doc.services.ports, parse(renderCompose(goldenPlan())).services.ports);
  assert.equal(parse(text, { version: '1.1' }), doc);
});

test("compose with the user's files: mounted read-only from the project (relative to compose/), no volume, no content", () => {
  const doc: Json = parse(renderCompose(filesPlan()));
  assert.equal(doc.services.proxy.volumes, [
    './caddy:/etc/faaso/caddy:ro',
    '../certs/fn.crt:/run/secrets/faaso_tls_cert:ro',
    '../certs/fn.key:/run/secrets/faaso_tls_key:ro',
  ]);
  assert.is(doc.services.proxy.environment.XDG_DATA_HOME, '/tmp/caddy-data');
  assert.not.ok('volumes' in doc);
  const abs = goldenPlan(
    { proxy: { tls: { ...FILES_TLS, cert: '/etc/ssl/fn.crt' } } },
    { tlsFiles: new Map([...TLS_FILES, ['/etc/ssl/fn.crt', TLS_FILES.get('certs/fn.crt')!]]) },
  );
  assert.is(parse(renderCompose(abs)).services.proxy.volumes[1], '/etc/ssl/fn.crt:/run/secrets/faaso_tls_cert:ro');
  assert.not.match(renderCompose(filesPlan()), /BEGIN/);
  // Caddy validates a config with these paths only where they exist: a throwaway proxy gets them mounted.
  assert.equal(tlsCheckMounts(filesPlan().proxy.tls, '/srv/app'), [
    '-v',
    '/srv/app/certs/fn.crt:/run/secrets/faaso_tls_cert:ro',
    '-v',
    '/srv/app/certs/fn.key:/run/secrets/faaso_tls_key:ro',
  ]);
  const argv = caddyValidateArgv({ image: 'faaso/caddy:1', mounts: ['-v', 'a:b:ro'] });
  assert.equal(argv.slice(argv.indexOf('-v'), argv.indexOf('faaso/caddy:1') + 1), ['-v', 'a:b:ro', 'faaso/caddy:1']);
});

test('the proxy fingerprint: unchanged without TLS; follows the mode, the HTTPS port and the files, not the names', () => {
  const plain = goldenPlan();
  assert.is(proxyFingerprint(plain), proxyFingerprint({ ...plain, proxy: { ...plain.proxy, port: 9999 } }));
  const base = proxyFingerprint(internalPlan());
  assert.is.not(base, proxyFingerprint(plain));
  assert.is(
    proxyFingerprint(internalPlan({ domain: 'other.test', hosts: {} })),
    base,
    'names only change the Caddyfile',
  );
  assert.is.not(proxyFingerprint(internalPlan({ https_port: 8443 })), base);
  const files = filesPlan();
  const renewed = structuredClone(files);
  renewed.proxy.tls!.cert!.digest = '000000000000';
  assert.is.not(proxyFingerprint(renewed), proxyFingerprint(files));
});

test('up: an HTTPS port not published recreates the proxy; new routes then come with the new container, not a reload', () => {
  const plain = goldenPlan();
  const tls = internalPlan();
  const running = proxies(plain).map((c) => (c.role === 'proxy' ? { ...c, published: ['127.0.0.1:80'] } : c));
  const diff = diffStack(tls, running);
  assert.ok(diff.proxyChanged);
  const routes = planSteps(diff, { routes: true, ports: false }).phases.find((p) => p.name === 'routes')!;
  assert.equal(routes.tracks, [
    [
      { kind: 'write', files: ['caddyfile'] },
      { kind: 'recreate', service: 'proxy', why: 'its image, port or limits changed' },
    ],
  ]);
  assert.not.ok(planSteps(diff, { routes: true, ports: false }).phases.some((p) => p.name === 'proxies'));
  const same = proxies(tls).map((c) =>
    c.role === 'proxy' ? { ...c, published: ['127.0.0.1:443', '127.0.0.1:80'] } : c,
  );
  assert.not.ok(diffStack(tls, same).proxyChanged);
});

test('URLs: https on the route’s host, the port only when it is not 443', () => {
  const tls = internalPlan().proxy.tls!;
  const source = { bind: '127.0.0.1', proxy: { port: 80, tls } };
  assert.is(routeUrls(source, ['/mul', '/sum']), 'https://api.test/mul https://fn.test/sum');
  const high = { bind: '127.0.0.1', proxy: { port: 8000, tls: { ...tls, httpsPort: 8443 } } };
  assert.is(routeUrls(high, ['/sum']), 'https://fn.test:8443/sum');
  assert.is(routeUrls({ bind: '0.0.0.0', proxy: { port: 8080 } }, ['/sum']), 'http://127.0.0.1:8080/sum');
});

test.run();
