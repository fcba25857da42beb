// npx zx scripts/demo.mjs: the README's main command. Makes the machine ready,
// builds, tests and pushes every bundled function, then serves each image with a
// plain `docker run` on a free loopback port and calls it.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerPort, dockerRm, dockerRun } from '../docker/argv.ts';
import { APP_PORT } from '../build/render.ts';
import { planFunction } from '../build/build.ts';
import { sendRequest, waitForPing } from '../testing/http.ts';
import { containerState } from '../docker/engine.ts';
import { main as setup } from './setup.ts';
import { main as build } from './build.ts';
import { parseCli } from './entry.ts';
import { log, openProject, selectFunctions } from './context.ts';

const USAGE = 'npx zx scripts/demo.mjs';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  await setup([]);
  await build(['--all']);
  const project = await openProject();
  const specs = await selectFunctions(project, [], true, USAGE);
  log('\nserving each image with plain `docker run` and calling it:');
  for (const spec of specs) {
    const plan = await planFunction(spec, project.templates.get(spec.runtime)!, project.settings);
    const name = `faaso-demo-${spec.name}-${randomBytes(3).toString('hex')}`;
    const started = await run(dockerRun({ image: plan.image.hashRef, name, publish: [`127.0.0.1::${APP_PORT}`] }));
    if (started.exitCode !== 0) throw new UserError(`cannot run ${plan.image.hashRef}: ${started.stderr.trim()}`);
    try {
      const port = (await run(dockerPort(name, APP_PORT))).stdout.trim().split(':').pop();
      const base = `http://127.0.0.1:${port}`;
      const ready = await waitForPing(base, { timeoutMs: 30_000, isAlive: async () => (await containerState(name))?.status === 'running' });
      if (ready !== 'ready') throw new UserError(`${spec.name}: the image did not answer /ping (${ready})`);
      // Call it the way its first test does, so the demo shows a real answer.
      const req = spec.tests[0]?.request ?? { method: 'GET', path: '/', headers: {} };
      const res = await sendRequest(base, req);
      const sent = req.json !== undefined ? ` ${JSON.stringify(req.json)}` : req.body !== undefined ? ` ${JSON.stringify(req.body)}` : '';
      log(`  docker run -p 3000:3000 ${plan.image.hashRef}`);
      log(`    ${req.method} ${req.path}${sent} → ${res.status} ${res.body.trim()}`);
    } finally {
      await run(dockerRm(name));
    }
  }
  return 0;
}
