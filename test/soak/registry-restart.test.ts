// The registry restarted while idle loses no image. A registry of its own on
// 127.0.0.1:18530 (FAASO_REGISTRY; faaso names it faaso-registry-18530 with the
// volume faaso-registry-18530-data), so the shared one on :5000 is never
// touched. A function is built and pushed through faaso, then the registry is
// (1) restarted with `docker restart` and (2) crashed (kill -9 of its process,
// which its restart policy must undo). After each: same port, same manifest
// digest, and the image pulls afresh and serves with a plain `docker run`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { manifestDigest, pingRegistry } from '../../src/registry/api.ts';
import { registryNames } from '../../src/registry/registry.ts';
import { run } from '../../src/exec/runner.ts';
import { docker, requireDocker, runScript, tempProject, waitFor, writeFunction } from '../integration/helpers.ts';
import { answers, containerStateOf, log } from './soak-stack.ts';

const test = suite('soak: registry restart');
const REGISTRY = '127.0.0.1:18530';
const RUN_PORT = 18531;
const FN = 'faasosoak-reg';
const RUN_NAME = 'faasosoak-reg-run';
const { container, volume } = registryNames(REGISTRY);
const RECOVERY_DEADLINE_MS = 30_000;
let project: Awaited<ReturnType<typeof tempProject>>;
let env: Record<string, string>;
let digest = '';

async function removeOurs(): Promise<void> {
  await run(['docker', 'rm', '-f', RUN_NAME, container]);
  await run(['docker', 'volume', 'rm', volume]);
  const tags = (await docker('images', '--format', '{{.Repository}}:{{.Tag}}', `${REGISTRY}/${FN}`))
    .split('\n')
    .filter(Boolean);
  if (tags.length > 0) await run(['docker', 'rmi', ...tags]);
}

test.before(async () => {
  await requireDocker();
  await removeOurs();
  project = await tempProject();
  env = { ...project.env, FAASO_REGISTRY: REGISTRY };
  await writeFunction(project.root, FN, {
    'function.yml': 'runtime: python\ntests:\n  - name: answers\n    expect: {json: {kept: true}}\n',
    'handler.py': 'def handle(req):\n    return {"kept": True}\n',
  });
});

test.after(async () => {
  await removeOurs();
  await project?.cleanup();
});

/** The registry answers again on its port, still has the image, and the image pulls and runs. */
async function stillThere(after: string): Promise<void> {
  await waitFor(`registry on ${REGISTRY} after ${after}`, () => pingRegistry(REGISTRY, 1000), RECOVERY_DEADLINE_MS);
  assert.is(await docker('port', container, '5000/tcp'), REGISTRY);
  assert.is(await manifestDigest(REGISTRY, FN, 'latest'), digest, `manifest after ${after}`);
  // Pull from the registry, not the local cache: drop the local tags first.
  const tags = (await docker('images', '--format', '{{.Repository}}:{{.Tag}}', `${REGISTRY}/${FN}`))
    .split('\n')
    .filter(Boolean);
  if (tags.length > 0) await docker('rmi', ...tags);
  await docker('pull', `${REGISTRY}/${FN}:latest`);
  await run(['docker', 'rm', '-f', RUN_NAME]);
  await docker('run', '-d', '--name', RUN_NAME, '-p', `127.0.0.1:${RUN_PORT}:3000`, `${REGISTRY}/${FN}:latest`);
  try {
    await waitFor(
      `${FN} served from the pulled image`,
      () => answers(`http://127.0.0.1:${RUN_PORT}/`, (b) => b.includes('"kept": true') || b.includes('"kept":true')),
      RECOVERY_DEADLINE_MS,
    );
  } finally {
    await run(['docker', 'rm', '-f', RUN_NAME]);
  }
  log(`after ${after}: ${REGISTRY} answers, ${FN}:latest ${digest.slice(0, 19)}… pulled and served`);
}

test('build pushes the function to a registry of its own', async () => {
  const r = await runScript('build', [FN], env);
  assert.is(r.code, 0, r.output);
  digest = (await manifestDigest(REGISTRY, FN, 'latest')) ?? '';
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
});

test('docker restart of the idle registry: same port, the image is still there', async () => {
  await docker('restart', container);
  await stillThere('docker restart');
});

test('the registry process crashes: its restart policy brings it back with every image', async () => {
  const before = (await containerStateOf(container))!.restarts;
  const pid = Number(await docker('inspect', '-f', '{{.State.Pid}}', container));
  assert.ok(pid > 0);
  process.kill(pid, 'SIGKILL');
  await waitFor(
    'the registry restarted',
    async () => ((await containerStateOf(container))?.restarts ?? 0) > before,
    RECOVERY_DEADLINE_MS,
  );
  await stillThere('a crash');
});

test.run();
