// HTTPS end to end on the real engine, offline: a throwaway project (compose
// project faasotls, free high ports) served with proxy.tls internal: true
// through faaso's own up; the root exported with tls.mjs ca and trusted by curl;
// the HTTP redirect and HSTS; the CA surviving down + up on its volume; a failed
// reload of the multi-site config (Caddy 2.11 starts none of it); the user's own
// certificate (made here with openssl); and ACME as far as it goes without a CA:
// Caddy takes the names into its automatic HTTPS and asks Let's Encrypt.
import fs from 'fs-extra';
import https from 'node:https';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../src/exec/runner.ts';
import { HARDENED_FLAGS } from '../../src/docker/argv.ts';
import { reloadProxy } from '../../src/stack/proxy.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { docker, dockerOk, freePort, rawRequest, requireDocker, runScript, tempProject, waitFor } from './helpers.ts';

const test = suite('tls');
const PROJECT = 'faasotls';
const VOLUME = `${PROJECT}_proxy-data`;
const PROXY = `${PROJECT}-proxy-1`;
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let httpPort = 0;
let httpsPort = 0;
let sumPort = 0;
let caFile = '';

function faasoYml(tls: string): string {
  return [
    'routes:',
    '  /sum: sum',
    '  /add: sum',
    'proxy:',
    '  tls:',
    ...tls.split('\n').map((l) => `    ${l}`),
    `    http_port: ${httpPort}`,
    `    https_port: ${httpsPort}`,
    '    hosts:',
    '      api.test: [/add]',
    'functions:',
    '  sum:',
    `    port: ${sumPort}`,
    '',
  ].join('\n');
}
const writeConfig = (tls: string) => fs.writeFile(path.join(project.root, 'faaso.yml'), faasoYml(tls));

/** curl as a user runs it, names resolved to this machine; exit code, headers and body. */
async function curl(url: string, ...flags: string[]): Promise<{ code: number; out: string; err: string }> {
  const { hostname, port } = new URL(url);
  const r = await run([
    'curl',
    '-sS',
    '-i',
    '--max-time',
    '10',
    '--resolve',
    `${hostname}:${port}:127.0.0.1`,
    ...flags,
    url,
  ]);
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}
const body = (out: string): string => out.slice(out.indexOf('\r\n\r\n') + 4);

/** One request on a fresh TLS connection, the CA given, SNI set: what a new client sees. */
function freshHttps(host: string, p: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        servername: host,
        headers: { host },
        path: p,
        ca,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function cleanup(): Promise<void> {
  if (fs.existsSync(path.join(project.root, 'compose'))) await runScript('down', [], env);
  await dockerOk('volume', 'rm', '-f', VOLUME);
}

test.before(async () => {
  await requireDocker();
  project = await tempProject(['sum']);
  env = { ...project.env, FAASO_PROJECT: PROJECT };
  [httpPort, httpsPort, sumPort] = [await freePort(), await freePort(), await freePort()];
  caFile = path.join(project.root, 'faaso-root.crt');
  await writeConfig('domain: fn.test\ninternal: true');
  // A run killed before its `after` leaves its stack and CA volume: start from nothing.
  await dockerOk('rm', '-f', PROXY, `${PROJECT}-ports-1`, `${PROJECT}-sum-1`);
  await dockerOk('volume', 'rm', '-f', VOLUME);
});

test.after(async () => {
  await cleanup();
  await project.cleanup();
});

test('up with internal: true serves HTTPS and prints https:// URLs on each route’s host', async () => {
  const r = await runScript('up', [], env);
  assert.is(r.code, 0, r.output);
  assert.match(
    r.stdout,
    new RegExp(`/add /sum +https://api\\.test:${httpsPort}/add https://fn\\.test:${httpsPort}/sum +sum`),
  );
  assert.match(r.stdout, new RegExp(`proxy on https://fn\\.test:${httpsPort}`));
});

test('tls.mjs ca exports the root certificate alone; curl trusts the proxy with it, and not without it', async () => {
  const r = await runScript('tls', ['ca', '--out', caFile], env);
  assert.is(r.code, 0, r.output);
  assert.match(
    r.stderr,
    /Caddy Local Authority.*valid until \d{4}-\d\d-\d\d\nSHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}/,
  );
  const pem = fs.readFileSync(caFile, 'utf8');
  assert.is(pem.match(/-----BEGIN CERTIFICATE-----/g)?.length, 1);
  assert.not.match(pem, /PRIVATE/);
  assert.is((await runScript('tls', ['ca'], env)).stdout, pem, 'stdout without --out');

  const ok = await curl(`https://fn.test:${httpsPort}/sum?a=1&b=2`, '--cacert', caFile);
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /^HTTP\/2 200/);
  assert.is(body(ok.out), '{"sum": 3}');
  assert.match(ok.out, /\r\nstrict-transport-security: max-age=31536000\r\n/);
  const untrusted = await curl(`https://fn.test:${httpsPort}/sum`);
  assert.is(untrusted.code, 60, 'curl refuses a certificate it cannot verify');
  // The per-route host serves its route, and only there.
  assert.is(body((await curl(`https://api.test:${httpsPort}/add?a=2&b=2`, '--cacert', caFile)).out), '{"sum": 4}');
  assert.match((await curl(`https://fn.test:${httpsPort}/add`, '--cacert', caFile)).out, /^HTTP\/2 404/);
  assert.match((await curl(`https://api.test:${httpsPort}/sum`, '--cacert', caFile)).out, /^HTTP\/2 404/);
});

test("plain HTTP: the proxy's names are redirected to the published HTTPS port; health answers for the probe", async () => {
  const r = await curl(`http://fn.test:${httpPort}/sum?a=1&b=2`);
  assert.match(r.out, /^HTTP\/1\.1 308 /);
  assert.match(r.out, new RegExp(`\\r\\nLocation: https://fn\\.test:${httpsPort}/sum\\?a=1&b=2\\r\\n`));
  const followed = await curl(
    `http://fn.test:${httpPort}/sum?a=5&b=2`,
    '-L',
    '--cacert',
    caFile,
    '--resolve',
    `fn.test:${httpsPort}:127.0.0.1`,
  );
  assert.is(body(followed.out.slice(followed.out.lastIndexOf('HTTP/2'))), '{"sum": 7}');
  assert.is((await rawRequest(httpPort, '/__faaso/health')).body, 'ok');
  assert.is((await rawRequest(httpPort, '/sum')).status, 404, 'a name the proxy does not serve is not redirected');
  assert.is(await docker('inspect', '--format', '{{.State.Health.Status}}', PROXY), 'healthy');
  assert.equal(
    JSON.parse((await rawRequest(sumPort, '/?a=1&b=1')).body),
    { sum: 2 },
    "the function's own port stays plain HTTP",
  );
});

test('the CA and certificates live on the named volume, keep their key there, and survive down + up', async () => {
  const mounts = JSON.parse(await docker('inspect', '--format', '{{json .Mounts}}', PROXY)) as {
    Name?: string;
    Destination: string;
    RW: boolean;
  }[];
  assert.ok(
    mounts.some((m) => m.Name === VOLUME && m.Destination === '/data' && m.RW),
    JSON.stringify(mounts),
  );
  assert.ok(await dockerOk('exec', PROXY, 'test', '-s', '/data/caddy/pki/authorities/local/root.key'));
  assert.not.ok(await dockerOk('exec', PROXY, 'test', '-e', '/tmp/caddy-data/caddy/pki'));
  assert.is((await runScript('down', [], env)).code, 0);
  assert.ok(await dockerOk('volume', 'inspect', VOLUME), 'down keeps the volume');
  const up = await runScript('up', [], env);
  assert.is(up.code, 0, up.output);
  assert.is(
    (await runScript('tls', ['ca'], env)).stdout,
    fs.readFileSync(caFile, 'utf8'),
    'the same root after down + up',
  );
  const again = await curl(`https://fn.test:${httpsPort}/sum?a=1&b=2`, '--cacert', caFile);
  assert.is(body(again.out), '{"sum": 3}', again.err);
});

test('a reload that fails to start the multi-site config starts none of it: HTTP and HTTPS keep the old one (Caddy 2.11)', async () => {
  const file = path.join(project.root, 'compose', 'caddy', 'Caddyfile');
  const good = fs.readFileSync(file, 'utf8');
  // The same sites answering "new", and a third that cannot bind: Caddy 2.6.2 left
  // the sites it had started before the failure serving beside the old config.
  const bad = `${good.replaceAll('respond "ok" 200', 'respond "new" 200')}\n:8081 {\n\tbind 192.0.2.1\n\trespond "x" 200\n}\n`;
  const ca = fs.readFileSync(caFile, 'utf8');
  try {
    await writeFileAtomic(file, bad);
    for (let i = 0; i < 5; i++) {
      const r = await reloadProxy(PROXY);
      assert.not.ok(r.ok);
      assert.match(r.error!, /192\.0\.2\.1:8081.*cannot assign requested address/);
      for (let j = 0; j < 10; j++) {
        assert.is((await rawRequest(httpPort, '/__faaso/health')).body, 'ok', `HTTP, reload ${i + 1}`);
        assert.is(await freshHttps('fn.test', '/__faaso/health', ca), 'ok', `HTTPS, reload ${i + 1}`);
      }
    }
  } finally {
    await writeFileAtomic(file, good);
  }
  const r = await reloadProxy(PROXY, { force: true });
  assert.ok(r.ok, r.error);
  assert.is(await freshHttps('fn.test', '/sum?a=3&b=3', ca), '{"sum": 6}');
});

test('your own certificate: checked before anything changes, then the proxy is recreated with the files mounted read-only', async () => {
  const certs = path.join(project.root, 'certs');
  await fs.ensureDir(certs);
  const cert = path.join(certs, 'fn.crt');
  const key = path.join(certs, 'fn.key');
  const made = await run([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=fn.test',
    '-addext',
    'subjectAltName=DNS:fn.test,DNS:api.test',
  ]);
  assert.is(made.exitCode, 0, made.stderr);
  await writeConfig('domain: fn.test\ncert: certs/fn.crt\nkey: certs/fn.key');
  // openssl writes the key 0600: the proxy (uid 10001) could not read it, and up says how to fix it.
  fs.chmodSync(key, 0o600);
  const refused = await runScript('up', [], env);
  assert.is(refused.code, 1, refused.output);
  assert.match(
    refused.stderr,
    /faaso\.yml: proxy\.tls\.key: the proxy runs as uid 10001 and cannot read it .*chgrp 10001 certs\/fn\.key && chmod 640 certs\/fn\.key/,
  );
  assert.is(
    body((await curl(`https://fn.test:${httpsPort}/sum?a=1&b=2`, '--cacert', caFile)).out),
    '{"sum": 3}',
    'still serving',
  );

  fs.chownSync(key, 0, 10001);
  fs.chmodSync(key, 0o640);
  const up = await runScript('up', [], env);
  assert.is(up.code, 0, up.output);
  assert.match(up.stdout, /proxy: recreating it/);
  const ok = await curl(`https://fn.test:${httpsPort}/sum?a=1&b=2`, '--cacert', cert);
  assert.is(body(ok.out), '{"sum": 3}', ok.err);
  assert.is(
    (await curl(`https://fn.test:${httpsPort}/sum`, '--cacert', caFile)).code,
    60,
    'the internal CA no longer signs',
  );
  const mounts = JSON.parse(await docker('inspect', '--format', '{{json .Mounts}}', PROXY)) as {
    Source: string;
    Destination: string;
    RW: boolean;
  }[];
  assert.equal(
    mounts
      .filter((m) => m.Destination.startsWith('/run/secrets/'))
      .map((m) => [m.Source, m.Destination, m.RW])
      .sort(),
    [
      [cert, '/run/secrets/faaso_tls_cert', false],
      [key, '/run/secrets/faaso_tls_key', false],
    ],
  );
  for (const f of ['docker-compose.yml', 'caddy/Caddyfile'])
    assert.not.match(fs.readFileSync(path.join(project.root, 'compose', f), 'utf8'), /BEGIN|PRIVATE/, f);
  const ca = await runScript('tls', ['ca'], env);
  assert.is(ca.code, 1);
  assert.match(ca.stderr, /proxy\.tls: the proxy has no internal CA \(its certificates come from your files\)/);
});

test('ACME, as far as it goes offline: Caddy validates the config, manages both names and asks Let’s Encrypt', async () => {
  await writeConfig('domain: fn.example.com');
  const conf = await fs.readFile(path.join(project.root, 'faaso.yml'), 'utf8');
  await fs.writeFile(path.join(project.root, 'faaso.yml'), conf.replace('api.test', 'api.example.com'));
  const r = await runScript('compose', [], env);
  assert.is(r.code, 0, r.output);
  const caddyDir = path.join(project.root, 'compose', 'caddy');
  const image = (await docker('inspect', '--format', '{{.Config.Image}}', PROXY)).trim();
  const name = `${PROJECT}-acme`;
  await docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'none',
    ...HARDENED_FLAGS,
    '-v',
    `${caddyDir}:/etc/faaso/caddy:ro`,
    image,
  );
  try {
    const logs = await waitFor('an ACME order', async () => {
      const l = await docker('logs', name);
      return l.includes('acme-v02.api.letsencrypt.org') ? l : undefined;
    });
    // Caddy lists the names in map order: compare them as a set.
    const managed = logs
      .split('\n')
      .filter((l) => l.includes('"msg":"enabling automatic TLS certificate management"'))
      .map((l) => (JSON.parse(l) as { domains: string[] }).domains.sort());
    assert.equal(managed, [['api.example.com', 'fn.example.com']], logs);
    assert.match(logs, /"msg":"obtaining certificate","identifier":"(fn|api)\.example\.com"/);
  } finally {
    await dockerOk('rm', '-f', name);
  }
});

test.run();
