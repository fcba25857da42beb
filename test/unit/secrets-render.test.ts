// Secrets and route auth in the rendered files: golden compose file, stack
// file and Caddyfiles; a value never in any of them; each proxy mounts the auth
// folder only when it enforces auth; a new value changes exactly the labels
// and names of what uses it. Plans without secrets render as before (the
// existing golden files).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { renderCaddyfile, renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import {
  portsFingerprint,
  portsListenerFingerprint,
  proxyFingerprint,
  serviceFingerprint,
  swarmProxyFingerprint,
} from '../../src/stack/render/fingerprint.ts';
import { renderSwarmStack } from '../../src/stack/render/swarm.ts';
import { plannedConfigs } from '../../src/stack/swarm/diff.ts';
import { goldenPlan } from '../fixtures/compose/plan.ts';
import { secretsPlan, SECRETS_DIR, STAMPS } from '../fixtures/secrets/plan.ts';
import { swarmPlan, swarmRoutes } from '../fixtures/swarm/plan.ts';

const test = suite('secrets render');
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'secrets');
type Json = any;

function golden(name: string, text: string): void {
  const file = path.join(FIXTURES, name);
  if (process.env.FAASO_UPDATE_GOLDEN === '1') fs.writeFileSync(file, text);
  assert.fixture(text, fs.readFileSync(file, 'utf8'));
}

/** The Swarm variant of the secrets plan: images pinned as swarmPlan pins them. */
const swarmSecretsPlan = () => {
  const pinned = swarmPlan();
  const p = secretsPlan({ target: 'swarm', registry: '10.0.0.5:5000', bind: '0.0.0.0' });
  return {
    ...p,
    proxy: pinned.proxy,
    services: p.services.map((s, i) => ({ ...s, image: pinned.services[i]!.image })),
  };
};

test('golden files: compose, the two Caddyfiles, the Swarm stack', () => {
  const plan = secretsPlan();
  golden('docker-compose.yml', renderCompose(plan));
  golden('Caddyfile', renderCaddyfile(plan));
  golden('ports.Caddyfile', renderPortsCaddyfile(plan));
  golden('stack.yml', renderSwarmStack(swarmSecretsPlan(), swarmRoutes(swarmSecretsPlan())));
});

test('compose: file-based secrets from the deploy folder, each function only its own, the auth folder in both proxies', () => {
  const c: Json = parse(renderCompose(secretsPlan()));
  assert.equal(c.secrets, {
    'db-password': { file: `${SECRETS_DIR}/db-password-3333333333333333` },
    yes: { file: `${SECRETS_DIR}/yes-5555555555555555` },
  });
  assert.equal(c.services.sum.secrets, ['db-password', 'yes']);
  assert.is(c.services.hello.secrets, undefined);
  const auth = `${SECRETS_DIR}/proxy:/run/faaso/auth:ro`;
  assert.equal(c.services.proxy.volumes, ['./caddy:/etc/faaso/caddy:ro', auth]);
  assert.equal(c.services.ports.volumes, ['./caddy:/etc/faaso/caddy:ro', auth], 'multiply’s own port asks for auth');
  // YAML 1.1 would read an unquoted `yes:` key as true.
  assert.match(renderCompose(secretsPlan()), /\n {2}"yes":\n/);
});

test('no auth anywhere: neither proxy mounts the auth folder, and nothing else changes', () => {
  const plain = goldenPlan();
  const c: Json = parse(renderCompose({ ...plain, secretsDir: SECRETS_DIR }));
  assert.equal(c.services.proxy.volumes, ['./caddy:/etc/faaso/caddy:ro']);
  assert.equal(c.services.ports.volumes, ['./caddy:/etc/faaso/caddy:ro']);
  assert.is(c.secrets, undefined);
  assert.is(renderCompose({ ...plain, secretsDir: SECRETS_DIR }), renderCompose(plain));
});

test('no bcrypt hash in any rendered file: the Caddyfiles name the files that hold them', () => {
  const plan = secretsPlan();
  for (const t of [
    renderCaddyfile(plan),
    renderPortsCaddyfile(plan),
    renderSwarmStack(swarmSecretsPlan(), swarmRoutes(swarmSecretsPlan())),
  ])
    assert.not.match(t, /\$2[aby]\$/);
});

test('Caddyfile: keys read from files at request time, hashes from files, 401s in JSON; health and open routes untouched', () => {
  const text = renderCaddyfile(secretsPlan());
  assert.match(text, /ph\(req, "file\.\/run\/faaso\/auth\/key-admin-key-1111111111111111"\)/);
  assert.match(text, /alice \{file\.\/run\/faaso\/auth\/basic-alice-pw-2222222222222222\}/);
  assert.match(text, /handle_errors 401 \{/);
  assert.match(text, /request>headers>X-Api-Key replace REDACTED/);
  // /__faaso/health and /hello come before and outside any auth.
  const health = text.indexOf('handle /__faaso/health {');
  assert.ok(health > 0 && health < text.indexOf('basic_auth'));
  const hello = text.slice(text.indexOf('# /hello -> hello'), text.indexOf('# /add'));
  assert.not.match(hello, /basic_auth|expression|401/);
});

test('ports: the own port of a function whose every route has auth asks for all of their credentials', () => {
  const text = renderPortsCaddyfile(secretsPlan());
  const site = (port: number) => text.slice(text.indexOf(`:${port} {`)).split('\n}\n')[0]!;
  const plan = secretsPlan();
  const mul = plan.services.find((s) => s.name === 'multiply')!;
  assert.equal(mul.auth, {
    apiKeys: [{ name: 'ops-key', stamp: STAMPS.get('ops-key') }],
    basic: [{ user: 'alice', secret: { name: 'alice-pw', stamp: STAMPS.get('alice-pw') } }],
  });
  assert.match(site(mul.port), /key-ops-key-4444444444444444/);
  assert.match(site(mul.port), /basic-alice-pw-2222222222222222/);
  const hello = plan.services.find((s) => s.name === 'hello')!;
  assert.is(hello.auth, undefined, '/hello is open, so its own port is too');
  assert.not.match(site(hello.port), /auth/);
});

test('a new value: only the functions that mount it get a new label; the routes and own ports get new file names', () => {
  const before = secretsPlan();
  const after = secretsPlan({}, new Map([...STAMPS, ['db-password', 'abababababababab']]));
  for (const name of ['hello', 'multiply', 'sum']) {
    const a = serviceFingerprint(before.services.find((s) => s.name === name)!);
    const b = serviceFingerprint(after.services.find((s) => s.name === name)!);
    assert.is(a !== b, name === 'sum', name);
  }
  assert.is(renderCaddyfile(after), renderCaddyfile(before), 'db-password is no key');
  const rotated = secretsPlan({}, new Map([...STAMPS, ['ops-key', 'cdcdcdcdcdcdcdcd']]));
  assert.not.equal(renderCaddyfile(rotated), renderCaddyfile(before));
  assert.not.equal(portsFingerprint(rotated), portsFingerprint(before));
  // On compose the ports listener's label leaves its Caddyfile out: a new key is reloaded there, never recreated.
  assert.is(portsListenerFingerprint(rotated), portsListenerFingerprint(before));
  // On Swarm the proxy mounts its key files as secrets: a new key is a new proxy task, and up waits for it.
  assert.not.equal(swarmProxyFingerprint(rotated, 'b'), swarmProxyFingerprint(before, 'b'));
  assert.is(swarmProxyFingerprint(after, 'b'), swarmProxyFingerprint(before, 'b'), 'db-password is no key');
  for (const s of before.services)
    assert.is(serviceFingerprint(s), serviceFingerprint(rotated.services.find((x) => x.name === s.name)!), s.name);
});

test('labels of plans without secrets or auth are what they were (no restart on upgrade)', () => {
  const plain = goldenPlan();
  // Literal values from before secrets existed (test/fixtures/compose/docker-compose.yml).
  assert.is(serviceFingerprint(plain.services.find((s) => s.name === 'hello')!), 'cebfb0336842');
  assert.is(proxyFingerprint(plain), proxyFingerprint({ ...plain, secretsDir: SECRETS_DIR }));
  assert.not.equal(proxyFingerprint(secretsPlan()), proxyFingerprint(goldenPlan()), 'the auth mount recreates it');
});

test('Swarm: secrets named by file, mounted with uid 10001 and mode 0400; keys and hashes at /run/faaso/auth', () => {
  const plan = swarmSecretsPlan();
  const s: Json = parse(renderSwarmStack(plan, swarmRoutes(plan)));
  const names = Object.keys(s.secrets);
  assert.equal(names.length, 2 + 3, 'two function secrets, three auth files');
  for (const n of names) {
    assert.match(n, /^faaso_secret_[0-9a-f]{12}$/);
    assert.is(s.secrets[n].name, n);
    assert.ok(s.secrets[n].file.startsWith(`${SECRETS_DIR}/`), s.secrets[n].file);
  }
  assert.equal(
    s.services.sum.secrets.map((m: Json) => [m.target, m.uid, m.gid, m.mode]),
    [
      ['db-password', '10001', '10001', 0o400],
      ['yes', '10001', '10001', 0o400],
    ],
  );
  assert.equal(
    s.services.proxy.secrets.map((m: Json) => m.target),
    [
      '/run/faaso/auth/basic-alice-pw-2222222222222222',
      '/run/faaso/auth/key-admin-key-1111111111111111',
      '/run/faaso/auth/key-ops-key-4444444444444444',
    ],
  );
  assert.equal(
    s.services.ports.secrets.map((m: Json) => m.target),
    ['/run/faaso/auth/basic-alice-pw-2222222222222222', '/run/faaso/auth/key-ops-key-4444444444444444'],
  );
  // Pruning after a rollout keeps every secret the new file names.
  for (const n of names) assert.ok(plannedConfigs(plan, swarmRoutes(plan)).includes(n), n);
});

test.run();
