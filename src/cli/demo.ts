// npx zx scripts/demo.mjs: the README's main command. Makes the machine ready,
// then `up` (build, test and push every routed function, start the stack), then
// calls each route through the proxy the way its function's first test does,
// and each image once with a plain `docker run`, printing the answers.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerPort, dockerRm, dockerRun } from '../docker/argv.ts';
import { containerState } from '../docker/engine.ts';
import { APP_PORT } from '../build/render.ts';
import { loadFunctions } from '../function/load.ts';
import type { HttpTestRequest } from '../function/types.ts';
import { loadStackConfig } from '../runner/config.ts';
import { observeStack } from '../runner/observe.ts';
import { composeTarget } from '../runner/stack.ts';
import { sendRequest, waitForPing } from '../testing/http.ts';
import { main as setup } from './setup.ts';
import { main as up } from './up.ts';
import { parseCli } from './entry.ts';
import { log, openProject } from './context.ts';

const USAGE = 'npx zx scripts/demo.mjs';

function describe(req: HttpTestRequest): string {
  const sent = req.json !== undefined ? ` ${JSON.stringify(req.json)}` : req.body !== undefined ? ` ${JSON.stringify(req.body)}` : '';
  return `${req.method} ${req.path}${sent}`;
}

async function plainRun(image: string, req: HttpTestRequest): Promise<string> {
  const name = `faaso-demo-${randomBytes(3).toString('hex')}`;
  const started = await run(dockerRun({ image, name, publish: [`127.0.0.1::${APP_PORT}`] }));
  if (started.exitCode !== 0) throw new UserError(`cannot run ${image}: ${started.stderr.trim()}`);
  try {
    const port = (await run(dockerPort(name, APP_PORT))).stdout.trim().split('\n')[0]?.split(':').pop();
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitForPing(base, { timeoutMs: 30_000, isAlive: async () => (await containerState(name))?.status === 'running' });
    if (ready !== 'ready') throw new UserError(`${image} did not answer /ping (${ready})`);
    const res = await sendRequest(base, req);
    return `${res.status} ${res.body.trim()}`;
  } finally {
    await run(dockerRm(name));
  }
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  await setup([]);
  const upCode = await up([]);
  if (upCode !== 0) throw new UserError('the stack did not become healthy', 'see npx zx scripts/status.mjs');
  const project = await openProject();
  const config = await loadStackConfig(project.settings.root, { registry: project.settings.registry });
  const specs = new Map((await loadFunctions(project.settings.root, config.functions.map((f) => f.name), project.templates)).map((s) => [s.name, s]));
  const observed = await observeStack(composeTarget(project.settings).project);
  log('\ncalling every route through the proxy:');
  for (const route of config.routes) {
    const first = specs.get(route.function)?.tests[0]?.request ?? { method: 'GET', path: '/', headers: {} };
    // "/" + "/?a=1" → "/sum?a=1": the proxy strips the route prefix again.
    const rest = first.path.startsWith('/?') || first.path === '/' ? first.path.slice(1) : first.path;
    const req = { ...first, path: `${route.path}${rest}` };
    const res = await sendRequest(`http://${config.bind}:${config.proxy.port}`, req);
    log(`  ${describe(req)} → ${res.status} ${res.body.trim()}`);
  }
  log('\nand each image with a plain `docker run -p 3000:3000 IMAGE`:');
  for (const f of config.functions) {
    const image = observed.find((c) => c.role === 'function' && c.fn === f.name)?.image;
    if (!image) continue;
    const req = specs.get(f.name)?.tests[0]?.request ?? { method: 'GET', path: '/', headers: {} };
    log(`  ${image}: ${describe(req)} → ${await plainRun(image, req)}`);
  }
  log(`\nthe stack keeps running: npx zx scripts/status.mjs, npx zx scripts/down.mjs to stop it`);
  return 0;
}
