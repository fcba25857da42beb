// The secret store and the deploy folder on a real filesystem (a temp dir, no
// Docker): modes, atomic writes, the key, stamps that reveal nothing, bcrypt
// hashes that are stable per value, copies never rewritten, pruning.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareSync } from 'bcryptjs';
import { bcryptHash, deployDir, deployFiles, pruneDeployFiles, writeDeployFiles } from '../../src/secrets/deploy.ts';
import { secretStamp } from '../../src/secrets/rules.ts';
import { listSecrets, loadSecrets, readSecret, removeSecret, setSecret, storeKey } from '../../src/secrets/store.ts';
import { resolveSettings } from '../../src/settings.ts';
import { secretsPlan } from '../fixtures/secrets/plan.ts';
import { UserError } from '../../src/errors.ts';

const test = suite('secrets store');
let tmp: string;
const mode = (p: string): number => fs.statSync(p).mode & 0o777;

async function rejectsUser(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, re);
    return;
  }
  assert.unreachable(`expected a UserError matching ${re}`);
}

test.before.each(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-unit-secrets-'));
});
test.after.each(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('set: a 0600 file in a 0700 folder that keeps git out; read, list (with when), remove', async () => {
  const dir = path.join(tmp, 'store');
  await setSecret(dir, 'db-password', Buffer.from('s3cret'));
  assert.is(mode(dir), 0o700);
  assert.is(mode(path.join(dir, 'db-password')), 0o600);
  assert.is(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')[1], '*');
  assert.equal(await readSecret(dir, 'db-password'), Buffer.from('s3cret'));
  const listed = await listSecrets(dir);
  assert.equal(
    listed.map((s) => s.name),
    ['db-password'],
  );
  assert.ok(Date.now() - listed[0]!.setAt.getTime() < 60_000);
  await setSecret(dir, 'db-password', Buffer.from('n3w'));
  assert.equal(await readSecret(dir, 'db-password'), Buffer.from('n3w'));
  assert.equal(fs.readdirSync(dir).sort(), ['.gitignore', 'db-password'], 'no temp file left');
  assert.is(await removeSecret(dir, 'db-password'), true);
  assert.is(await removeSecret(dir, 'db-password'), false);
  assert.is(await readSecret(dir, 'db-password'), undefined);
});

test('a folder widened by hand is put back to 0700', async () => {
  const dir = path.join(tmp, 'store');
  await setSecret(dir, 'a', Buffer.from('1'));
  fs.chmodSync(dir, 0o755);
  await setSecret(dir, 'b', Buffer.from('2'));
  assert.is(mode(dir), 0o700);
});

test('bad names and values are refused before anything is written', async () => {
  const dir = path.join(tmp, 'store');
  for (const name of ['', 'A', '-x', 'a/b', '../x', '.key', 'x'.repeat(64)])
    await rejectsUser(() => setSecret(dir, name, Buffer.from('v')), /invalid secret name/);
  await rejectsUser(() => setSecret(dir, 'x', Buffer.alloc(0)), /secret "x": the value is empty/);
  await rejectsUser(() => setSecret(dir, 'x', Buffer.alloc(500 * 1024 + 1)), /at most 512000/);
  assert.not.ok(fs.existsSync(path.join(dir, 'x')));
});

test('the key: created once, 0600, the same for every caller; stamps change with the value only', async () => {
  const dir = path.join(tmp, 'store');
  fs.mkdirSync(dir, { mode: 0o700 });
  const [a, b] = await Promise.all([storeKey(dir), storeKey(dir)]);
  assert.equal(a, b);
  assert.is(a.length, 32);
  assert.is(mode(path.join(dir, '.key')), 0o600);
  const s1 = secretStamp(a, 'pw', Buffer.from('hunter2'));
  assert.match(s1, /^[0-9a-f]{16}$/);
  assert.is(secretStamp(a, 'pw', Buffer.from('hunter2')), s1);
  assert.is.not(secretStamp(a, 'pw', Buffer.from('hunter3')), s1);
  assert.is.not(secretStamp(a, 'other', Buffer.from('hunter2')), s1, 'two secrets with one value look different');
  // Without the key, a stamp cannot be computed from a guessed value.
  assert.not.ok(createHash('sha256').update('hunter2').digest('hex').startsWith(s1));
  const loaded = await loadSecrets(dir, ['pw', 'pw']);
  assert.is(loaded.values.size, 0, 'not set: left to the caller to report');
});

test('bcrypt: the same value gives the same hash, which verifies; another value another hash', () => {
  const key = Buffer.alloc(32, 7);
  const h = bcryptHash(key, 'alice-pw', Buffer.from('hunter2'));
  assert.match(h, /^\$2b\$10\$/);
  assert.is(bcryptHash(key, 'alice-pw', Buffer.from('hunter2')), h);
  assert.ok(compareSync('hunter2', h));
  assert.not.ok(compareSync('hunter3', h));
  assert.is.not(bcryptHash(Buffer.alloc(32, 8), 'alice-pw', Buffer.from('hunter2')), h, 'the salt comes from the key');
});

test('deploy files: each function secret and auth file once; the proxy gets the bcrypt hash, never the password', () => {
  const plan = secretsPlan();
  const values = new Map(
    ['admin-key', 'alice-pw', 'db-password', 'ops-key', 'yes'].map((n) => [n, Buffer.from(`value-of-${n}-0123456789`)]),
  );
  const files = deployFiles(plan, values, Buffer.alloc(32, 1));
  assert.equal(
    files.map((f) => f.rel),
    [
      'db-password-3333333333333333',
      'proxy/basic-alice-pw-2222222222222222',
      'proxy/key-admin-key-1111111111111111',
      'proxy/key-ops-key-4444444444444444',
      'yes-5555555555555555',
    ],
  );
  const basic = files.find((f) => f.rel.startsWith('proxy/basic-'))!.content.toString();
  assert.ok(compareSync('value-of-alice-pw-0123456789', basic));
  assert.not.ok(files.some((f) => f.rel.startsWith('proxy/') && f.content.toString().includes('value-of-alice-pw')));
  assert.throws(() => deployFiles(plan, new Map(), Buffer.alloc(32)), /no value for secret/);
});

test('writing: 0700 folders; copies owned by uid 10001, 0400 (as root); an existing copy is never rewritten; prune', async () => {
  const dir = deployDir(path.join(tmp, 'store'), 'faasosec');
  const files = [
    { rel: 'db-password-1111111111111111', content: Buffer.from('one') },
    { rel: 'proxy/key-k-2222222222222222', content: Buffer.from('key') },
  ];
  await writeDeployFiles(dir, files);
  assert.is(mode(dir), 0o700);
  assert.is(mode(path.dirname(dir)), 0o700);
  const copy = path.join(dir, files[0]!.rel);
  const root = process.getuid?.() === 0;
  assert.is(mode(copy), root ? 0o400 : 0o444);
  if (root) {
    assert.is(fs.statSync(copy).uid, 10001);
    assert.is(fs.statSync(path.join(dir, 'proxy')).uid, 10001);
    assert.is(mode(path.join(dir, 'proxy')), 0o500);
  }
  const inode = fs.statSync(copy).ino;
  await writeDeployFiles(dir, [{ rel: files[0]!.rel, content: Buffer.from('other') }]);
  assert.is(fs.statSync(copy).ino, inode, 'a copy a container may have mounted stays as it is');
  await writeDeployFiles(dir, [{ rel: 'db-password-3333333333333333', content: Buffer.from('two') }]);
  await pruneDeployFiles(dir, [{ rel: 'db-password-3333333333333333', content: Buffer.from('two') }]);
  assert.equal(fs.readdirSync(dir).sort(), ['db-password-3333333333333333', 'proxy']);
  assert.equal(fs.readdirSync(path.join(dir, 'proxy')), []);
});

test('settings: the store is ROOT/.faaso/secrets unless FAASO_SECRETS_DIR moves it, never into a build context', () => {
  const s = resolveSettings({ FAASO_ROOT: '/p' }, () => false);
  assert.is(s.secretsDir, '/p/.faaso/secrets');
  assert.is(
    resolveSettings({ FAASO_ROOT: '/p', FAASO_SECRETS_DIR: '/var/lib/s' }, () => false).secretsDir,
    '/var/lib/s',
  );
  for (const inside of ['/p/functions/sum/s', '/p/templates', '/p/images/caddy/x'])
    assert.throws(
      () => resolveSettings({ FAASO_ROOT: '/p', FAASO_SECRETS_DIR: inside }, () => false),
      /FAASO_SECRETS_DIR: .* is inside (functions|templates|images)\/, whose files go into images/,
    );
});

test.run();
