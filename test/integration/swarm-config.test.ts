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
import { ensureInfraImage } from '../../src/images/infra.ts';
import { caddyAdapter, caddyChecker, renderSwarmFiles, writeStackFiles } from '../../src/stack/files.ts';
import { configName, STACK_YML } from '../../src/stack/render/swarm.ts';
import { swarmPlan } from '../fixtures/swarm/plan.ts';
import { REPO } from './helpers.ts';

const test = suite('swarm stack config');
const dirs: string[] = [];
type Json = any;

test.after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** compose/ as faaso writes it for a Swarm: stack.yml and caddy/. */
async function stackDir(): Promise<{ dir: string; routes: string }> {
  const plan = swarmPlan();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-stackcfg-'));
  dirs.push(dir);
  // The files as `up` writes them, routes.json made by Caddy itself.
  const caddy = { image: await ensureInfraImage(REPO, 'caddy', () => {}) };
  const files = await renderSwarmFiles(plan, caddyChecker(caddy), caddyAdapter(caddy));
  await writeStackFiles({ dir, project: plan.project }, files);
  return { dir, routes: files.routesJson };
}

test('docker stack config accepts the file without a warning and keeps every setting faaso relies on', async () => {
  const { dir, routes } = await stackDir();
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
  assert.is(out.configs.routes.name, configName('faaso', 'routes', routes));
  assert.is(out.configs.routes.file, path.join(dir, 'caddy', 'routes.json'), './caddy is read next to the file');
  assert.is(out.networks.faaso.driver, 'overlay');
  assert.equal(out.services['proxy-routes'].networks, { control: null });
});

test("routes.json is Caddy's own JSON of the routes, told to keep loading; Caddy accepts it and the bootstrap", async () => {
  const { dir, routes } = await stackDir();
  const doc = JSON.parse(routes);
  assert.is(doc.admin.config.load.url, 'http://proxy-routes:8081/routes.json');
  assert.ok(doc.apps.http.servers, 'the routes server is in it');
  const image = await ensureInfraImage(REPO, 'caddy', () => {});
  for (const file of ['routes.json', 'bootstrap.json']) {
    const text = fs.readFileSync(path.join(dir, 'caddy', file), 'utf8');
    const r = await run(
      ['docker', 'run', '--rm', '-i', '--network', 'none', image, 'caddy', 'validate', '--config', '/dev/stdin'],
      { input: text },
    );
    assert.is(r.exitCode, 0, `${file}: ${r.stderr}`);
  }
});

test.run();
