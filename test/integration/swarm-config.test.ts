// The generated stack file as the docker CLI reads it: `docker stack config`
// validates it against the stack schema and resolves every setting, without a
// Swarm. What the CLI would drop or refuse must not be in the file, and what
// faaso relies on must survive the reading.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { run } from '../../src/exec/runner.ts';
import { renderCaddyfile, renderPortsCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { configName, renderSwarmStack, STACK_YML } from '../../src/stack/render/swarm.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { swarmPlan } from '../fixtures/swarm/plan.ts';
import { FILES_TLS, TLS_FILES } from '../fixtures/tls/files.ts';

const test = suite('swarm stack config');
const dirs: string[] = [];
type Json = any;

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** compose/ as faaso writes it for a Swarm: stack.yml and caddy/. */
async function stackDir(plan = swarmPlan()): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-stackcfg-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'caddy'));
  await writeFileAtomic(path.join(dir, 'caddy', 'Caddyfile'), renderCaddyfile(plan));
  await writeFileAtomic(path.join(dir, 'caddy', 'ports.Caddyfile'), renderPortsCaddyfile(plan));
  await writeFileAtomic(path.join(dir, STACK_YML), renderSwarmStack(plan));
  return dir;
}

test('docker stack config accepts the file without a warning and keeps every setting faaso relies on', async () => {
  const dir = await stackDir();
  const r = await run(['docker', 'stack', 'config', '-c', path.join(dir, STACK_YML)], { cwd: os.tmpdir() });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stderr.trim(), '', 'no warnings (an ignored option is a warning)');
  const out: Json = parse(r.stdout);
  const sum = out.services.sum;
  assert.is(sum.deploy.replicas, 3);
  assert.is(sum.deploy.endpoint_mode, 'dnsrr');
  assert.equal(sum.deploy.resources.limits, { cpus: '0.5', memory: String(128 * 1024 * 1024), pids: 64 });
  assert.equal(sum.deploy.update_config, {
    parallelism: 2,
    failure_action: 'rollback',
    monitor: '5s',
    order: 'start-first',
  });
  assert.equal(sum.deploy.restart_policy, { condition: 'any', delay: '1s' });
  assert.is(sum.init, true);
  assert.is(sum.read_only, true);
  assert.equal(sum.cap_drop, ['ALL']);
  assert.equal(sum.volumes, [{ type: 'tmpfs', target: '/tmp' }]);
  assert.is(sum.environment.PRICE, '$5', '$$ is read back as one literal $');
  assert.is(sum.stop_grace_period, '12s');
  assert.is(out.services.proxy.deploy.mode, 'global');
  assert.equal(out.services.proxy.ports, [{ mode: 'host', target: 8080, published: 8080, protocol: 'tcp' }]);
  const plan = swarmPlan();
  assert.is(out.configs.routes.name, configName('faaso', 'routes', renderCaddyfile(plan)));
  assert.is(out.configs.routes.file, path.join(dir, 'caddy', 'Caddyfile'), './caddy is read next to the file');
  assert.is(out.networks.faaso.driver, 'overlay');
});

test('with proxy.tls cert + key: the files become secrets uid 10001 reads, HTTP and HTTPS published on each node', async () => {
  const plan = swarmPlan({ proxy: { tls: FILES_TLS } }, { tlsFiles: TLS_FILES });
  const dir = await stackDir(plan);
  const r = await run(['docker', 'stack', 'config', '-c', path.join(dir, STACK_YML)], { cwd: os.tmpdir() });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stderr.trim(), '', 'no warnings');
  const out: Json = parse(r.stdout);
  const { cert, key } = plan.proxy.tls!;
  assert.equal(out.secrets, {
    tls_cert: { name: `faaso_tls_cert_${cert!.digest}`, file: path.join(dir, '..', 'certs', 'fn.crt') },
    tls_key: { name: `faaso_tls_key_${key!.digest}`, file: path.join(dir, '..', 'certs', 'fn.key') },
  });
  assert.equal(out.services.proxy.secrets, [
    { source: 'tls_cert', target: 'faaso_tls_cert', uid: '10001', gid: '10001', mode: 256 },
    { source: 'tls_key', target: 'faaso_tls_key', uid: '10001', gid: '10001', mode: 256 },
  ]);
  assert.equal(out.services.proxy.ports, [
    { mode: 'host', target: 8080, published: 80, protocol: 'tcp' },
    { mode: 'host', target: 8443, published: 443, protocol: 'tcp' },
  ]);
});

test.run();
