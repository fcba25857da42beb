import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { offlineHint, planBaseBuild, pullFailure, type BuilderFacts } from '../../src/base/plan.ts';
import { throwsUser } from './throws-user.ts';
import {
  EXCLUDED_SHARE_DIRS,
  SLIM_SCRIPT,
  debootstrapArgv,
  dpkgExcludes,
  importArgv,
  mountsUnder,
  parseDu,
  slimArgv,
  slimConfigFiles,
} from '../../src/base/rootfs.ts';

const facts = (over: Partial<BuilderFacts>): BuilderFacts => ({
  image: 'debian:trixie-slim',
  debootstrap: 'debootstrap',
  found: true,
  debian: true,
  root: true,
  ...over,
});

test('debootstrap argv: minbase, suite, target, mirror', () => {
  assert.equal(
    debootstrapArgv({
      debootstrap: 'debootstrap',
      suite: 'trixie',
      rootfs: '/tmp/r',
      mirror: 'http://deb.debian.org/debian',
    }),
    ['debootstrap', '--variant=minbase', 'trixie', '/tmp/r', 'http://deb.debian.org/debian'],
  );
});

test('import argv: tar | docker import with CMD bash, pipefail, paths positional', () => {
  const argv = importArgv('/tmp/x y/rootfs', 'debian:trixie-slim');
  assert.equal(argv.slice(0, 2), ['bash', '-c']);
  assert.match(argv[2]!, /set -euo pipefail/);
  assert.match(argv[2]!, /tar -C "\$1" --numeric-owner -c \. \| docker import -c "CMD \[\\"bash\\"\]" - "\$2"/);
  assert.equal(argv.slice(3), ['bash', '/tmp/x y/rootfs', 'debian:trixie-slim']);
  assert.not.match(argv[2]!, /trixie-slim|x y/);
});

test('slim: dpkg excludes like the official image, copyrights kept', () => {
  const cfg = dpkgExcludes();
  for (const d of ['doc', 'man', 'info', 'locale', 'lintian', 'groff', 'linda'])
    assert.match(cfg, new RegExp(`^path-exclude /usr/share/${d}/\\*$`, 'm'));
  assert.match(cfg, /^path-include \/usr\/share\/doc\/\*\/copyright$/m);
  const files = slimConfigFiles();
  assert.equal(
    files.map((f) => f.path),
    [...files.map((f) => f.path)].sort(),
  );
  assert.is(
    files.find((f) => f.path === 'etc/apt/apt.conf.d/docker-no-recommends')?.content,
    'APT::Install-Recommends "false";\n',
  );
  assert.is(files.find((f) => f.path === 'etc/dpkg/dpkg.cfg.d/docker')?.content, cfg);
});

test('slim script: rootfs positional; deletes docs but copyrights, apt lists, logs; scrubs host files', () => {
  assert.equal(slimArgv('/r'), ['sh', '-c', SLIM_SCRIPT, 'sh', '/r']);
  assert.match(SLIM_SCRIPT, /! -name copyright -delete/);
  for (const d of EXCLUDED_SHARE_DIRS.filter((d) => d !== 'doc')) assert.match(SLIM_SCRIPT, new RegExp(`\\b${d}\\b`));
  assert.match(SLIM_SCRIPT, /var\/lib\/apt\/lists/);
  assert.match(SLIM_SCRIPT, /etc\/resolv\.conf/);
  // Never touches anything outside $r.
  for (const line of SLIM_SCRIPT.split('\n')) {
    for (const m of line.matchAll(/"([^"]*)"/g))
      if (m[1]!.startsWith('/')) assert.unreachable(`absolute path outside the rootfs: ${m[1]}`);
  }
});

test('planBaseBuild: debootstrap present as root → build', () => {
  assert.equal(planBaseBuild(facts({})), { installDebootstrap: false });
});

test('planBaseBuild: missing default debootstrap on Debian root → install it first', () => {
  assert.equal(planBaseBuild(facts({ found: false })), { installDebootstrap: true });
});

test('planBaseBuild: injected missing debootstrap → UserError naming it, with both fixes', () => {
  const e = throwsUser(() => planBaseBuild(facts({ debootstrap: '/nonexistent/debootstrap', found: false })));
  assert.match(e.message, /debian:trixie-slim is not available locally and cannot be pulled/);
  assert.match(e.message, /debootstrap \(\/nonexistent\/debootstrap\) is not installed/);
  assert.match(e.hint!, /apt-get install debootstrap/);
  assert.match(e.hint!, /docker save debian:trixie-slim -o debian-trixie-slim\.tar/);
  assert.match(e.hint!, /docker load -i debian-trixie-slim\.tar/);
});

test('planBaseBuild: not Debian or not root', () => {
  const e = throwsUser(() => planBaseBuild(facts({ found: false, debian: false })));
  assert.match(e.message, /debootstrap \(debootstrap\) is not installed/);
  assert.match(e.hint!, /your distribution packages it/);
  const r = throwsUser(() => planBaseBuild(facts({ root: false })));
  assert.match(r.message, /needs root/);
  assert.match(r.hint!, /sudo npx zx scripts\/setup\.mjs/);
  assert.match(
    offlineHint('faaso-test/no-such-base:1'),
    /docker save faaso-test\/no-such-base:1 -o faaso-test-no-such-base-1\.tar/,
  );
});

test('pullFailure: short network reason, or the timeout', () => {
  const dns =
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host\n';
  assert.is(pullFailure(dns, 35, 30_000), 'registry-1.docker.io: no such host');
  assert.is(pullFailure('', 30_000, 30_000), 'no answer within 30.0s');
  assert.is(pullFailure('Error response from daemon: manifest unknown', 10, 30_000), 'manifest unknown');
  assert.is(pullFailure('', 10, 30_000), 'pull failed');
});

test('mountsUnder: only mounts inside the work dir, deepest first, octal escapes decoded', () => {
  const mounts = [
    'proc /proc proc rw 0 0',
    'proc /tmp/faaso-base-x/rootfs/proc proc rw 0 0',
    'sysfs /tmp/faaso-base-x/rootfs/sys sysfs rw 0 0',
    'tmpfs /tmp/faaso-base-x/rootfs/sys/fs/a\\040b tmpfs rw 0 0',
    'proc /tmp/faaso-base-xy/rootfs/proc proc rw 0 0',
  ].join('\n');
  assert.equal(mountsUnder(mounts, '/tmp/faaso-base-x'), [
    '/tmp/faaso-base-x/rootfs/sys/fs/a b',
    '/tmp/faaso-base-x/rootfs/proc',
    '/tmp/faaso-base-x/rootfs/sys',
  ]);
});

test('parseDu reads du -sb', () => {
  assert.is(parseDu('77992660\t/tmp/r\n'), 77992660);
  assert.is(parseDu(''), 0);
});

test.run();
