// The generated compose file as the real tools read it: `docker compose config`
// (v2) always, `docker-compose config` (v1, Debian's 1.29) when it is on PATH.
// `config` resolves and validates the whole file without needing the images.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { run, which } from '../../src/exec/runner.ts';
import { renderCompose, renderComposeEnv } from '../../src/stack/render/compose.ts';
import { FUNCTION_HEALTH_COMMAND } from '../../src/stack/render/shared.ts';
import type { StackPlan } from '../../src/stack/types.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { GOLDEN_FAASO_YML, goldenPlan } from '../fixtures/compose/plan.ts';
import { FILES_TLS, TLS_FILES } from '../fixtures/tls/files.ts';

const test = suite('compose config');
const dirs: string[] = [];

type Json = any;

/** compose/ as faaso writes it: docker-compose.yml, .env and a caddy/ folder. */
async function composeDir(plan: StackPlan): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-composecfg-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'caddy'));
  await writeFileAtomic(path.join(dir, 'caddy', 'Caddyfile'), ':8080 {\n\trespond "dummy"\n}\n');
  await writeFileAtomic(path.join(dir, 'docker-compose.yml'), renderCompose(plan));
  await writeFileAtomic(path.join(dir, '.env'), renderComposeEnv(plan));
  return dir;
}

/** Runs compose from an unrelated folder: the file's own folder must be the project dir (for .env and ./caddy). */
async function compose(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  // env -u: a COMPOSE_PROJECT_NAME in the environment (even empty) would win over .env.
  const r = await run(['env', '-u', 'COMPOSE_PROJECT_NAME', ...argv], { cwd: os.tmpdir() });
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}

// An env value compose would interpolate if it were not escaped.
const plan = (): StackPlan =>
  goldenPlan({
    functions: {
      sum: { ...GOLDEN_FAASO_YML.functions.sum, env: { ON: 'yes', PRICE: '$5', HOME_REF: '$HOME', COUNT: '10' } },
    },
  });

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('compose v2 accepts the file (config -q)', async () => {
  const dir = await composeDir(plan());
  const r = await compose(['docker', 'compose', '-f', path.join(dir, 'docker-compose.yml'), 'config', '-q']);
  assert.is(r.code, 0, r.err);
  assert.is(r.err.trim(), '', 'no warnings');
});

test('compose v2 reads the project name from .env, resolves ./caddy next to the file, keeps every setting', async () => {
  const dir = await composeDir(plan());
  const r = await compose([
    'docker',
    'compose',
    '-f',
    path.join(dir, 'docker-compose.yml'),
    'config',
    '--format',
    'json',
  ]);
  assert.is(r.code, 0, r.err);
  const c: Json = JSON.parse(r.out);
  assert.is(c.name, 'faaso');
  assert.equal(Object.keys(c.services).sort(), ['hello', 'multiply', 'ports', 'proxy', 'sum']);
  const sum = c.services.sum;
  // Strings stay strings ("yes" is not a boolean); "$" is literal (compose prints it re-escaped as "$$").
  assert.equal(sum.environment, { COUNT: '10', HOME_REF: '$$HOME', ON: 'yes', PRICE: '$$5' });
  // Replicas: compose's own scale; no published port (the ports listener publishes it).
  assert.equal([sum.scale, sum.ports, sum.stop_grace_period], [3, undefined, '12s']);
  assert.ok(
    c.services.ports.ports.some(
      (p: Json) => p.host_ip === '127.0.0.1' && p.published === '8101' && p.target === 8101 && p.protocol === 'tcp',
    ),
  );
  assert.equal(c.services.ports.command, [
    'caddy',
    'run',
    '--config',
    '/etc/faaso/caddy/ports.Caddyfile',
    '--adapter',
    'caddyfile',
  ]);
  assert.equal(
    [sum.init, sum.read_only, sum.restart, sum.cap_drop, sum.security_opt, sum.tmpfs],
    [true, true, 'unless-stopped', ['ALL'], ['no-new-privileges:true'], ['/tmp']],
  );
  assert.equal([sum.mem_limit, sum.cpus, sum.pids_limit], ['134217728', 0.5, 64]);
  assert.equal(sum.healthcheck, {
    test: ['CMD', 'bash', '-c', FUNCTION_HEALTH_COMMAND],
    timeout: '2s',
    interval: '2s',
    retries: 3,
    start_period: '15s',
  });
  const proxy = c.services.proxy;
  assert.equal(proxy.volumes, [
    {
      type: 'bind',
      source: path.join(dir, 'caddy'),
      target: '/etc/faaso/caddy',
      read_only: true,
      bind: { create_host_path: true },
    },
  ]);
  assert.equal(proxy.depends_on.sum, { condition: 'service_healthy', required: true });
  assert.is(
    proxy.healthcheck.test[3],
    "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /__faaso/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '",
  );
  assert.is(c.networks.faaso.name, 'faaso_faaso');
  for (const svc of ['sum', 'proxy', 'ports'])
    assert.equal(
      c.services[svc].logging,
      { driver: 'json-file', options: { 'max-file': '3', 'max-size': '10m' } },
      svc,
    );
});

test('compose v1 (docker-compose 1.29) accepts the file too, when installed', async () => {
  if (!(await which('docker-compose'))) {
    // CI installs it (.ci/run), so there a missing v1 is a failure, not a skip.
    assert.not.ok(process.env.CI, 'CI=true but docker-compose (v1) is not installed');
    console.log('  (docker-compose v1 not on PATH: skipped; apt-get install -y docker-compose to check it)');
    return;
  }
  for (const dir of [await composeDir(plan())]) {
    const file = path.join(dir, 'docker-compose.yml');
    const q = await compose(['docker-compose', '-f', file, 'config', '-q']);
    assert.is(q.code, 0, q.err);
    const r = await compose(['docker-compose', '-f', file, 'config']);
    assert.is(r.code, 0, r.err);
    const c: Json = parse(r.out);
    const sum = c.services.sum;
    // PyYAML is YAML 1.1: an unquoted yes/ON would have become a boolean here.
    assert.equal(sum.environment, { COUNT: '10', HOME_REF: '$$HOME', ON: 'yes', PRICE: '$$5' });
    // v1 reads `scale` as v2 does (deploy.replicas would need --compatibility).
    assert.equal([sum.scale, sum.ports], [3, undefined]);
    assert.ok(c.services.ports.ports.includes('127.0.0.1:8101:8101/tcp'), JSON.stringify(c.services.ports.ports));
    assert.equal(c.services.proxy.depends_on.sum, { condition: 'service_healthy' });
    assert.equal(c.services.proxy.volumes, [`${path.join(dir, 'caddy')}:/etc/faaso/caddy:ro`]);
  }
});

test("with proxy.tls: v2 and v1 read the certificate volume (the project's) and the read-only certificate files", async () => {
  const internal = await composeDir(goldenPlan({ proxy: { tls: { domain: 'fn.test', internal: true } } }));
  const files = await composeDir(goldenPlan({ proxy: { tls: FILES_TLS } }, { tlsFiles: TLS_FILES }));
  const v2 = async (dir: string): Promise<Json> => {
    const r = await compose([
      'docker',
      'compose',
      '-f',
      path.join(dir, 'docker-compose.yml'),
      'config',
      '--format',
      'json',
    ]);
    assert.is(r.code, 0, r.err);
    assert.is(r.err.trim(), '', 'no warnings');
    return JSON.parse(r.out);
  };
  const a = await v2(internal);
  assert.is(a.volumes['proxy-data'].name, 'faaso_proxy-data');
  assert.equal(a.services.proxy.volumes[1], { type: 'volume', source: 'proxy-data', target: '/data', volume: {} });
  assert.equal(
    a.services.proxy.ports.map((p: Json) => `${p.host_ip}:${p.published}:${p.target}`),
    ['127.0.0.1:80:8080', '127.0.0.1:443:8443'],
  );
  const b = await v2(files);
  assert.equal(
    b.services.proxy.volumes.slice(1).map((v: Json) => [v.type, v.source, v.target, v.read_only]),
    [
      ['bind', path.join(path.dirname(files), 'certs', 'fn.crt'), '/run/secrets/faaso_tls_cert', true],
      ['bind', path.join(path.dirname(files), 'certs', 'fn.key'), '/run/secrets/faaso_tls_key', true],
    ],
  );
  if (!(await which('docker-compose'))) return;
  for (const dir of [internal, files]) {
    const r = await compose(['docker-compose', '-f', path.join(dir, 'docker-compose.yml'), 'config']);
    assert.is(r.code, 0, r.err);
    const proxy: Json = parse(r.out).services.proxy;
    assert.ok(proxy.ports.includes('127.0.0.1:443:8443/tcp'), JSON.stringify(proxy.ports));
    assert.is(proxy.volumes.length, dir === internal ? 2 : 3);
  }
});

test('both reject a broken file, so the checks above are meaningful', async () => {
  const dir = await composeDir(plan());
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(
    file,
    fs.readFileSync(file, 'utf8').replace('    init: true\n', '    init: true\n    bogus_key: 1\n'),
  );
  assert.is.not((await compose(['docker', 'compose', '-f', file, 'config', '-q'])).code, 0);
  if (await which('docker-compose'))
    assert.is.not((await compose(['docker-compose', '-f', file, 'config', '-q'])).code, 0);
});

test.run();
