// npx zx scripts/demo.mjs: the README's main command. Makes the machine ready,
// then `up` (build, test and push every routed function, start the stack), then
// calls each route through the proxy the way its function's first test does,
// and each image once with a plain `docker run`, printing the answers.
import { UserError } from '../errors.ts';
import { loadFunctions } from '../function/load.ts';
import type { HttpTestRequest } from '../function/types.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { withServingImage } from '../testing/container.ts';
import { sendRequest } from '../testing/http.ts';
import { main as setup } from './setup.ts';
import { main as up } from './up.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/demo.mjs';

function describe(req: HttpTestRequest): string {
  const sent =
    req.json !== undefined
      ? ` ${JSON.stringify(req.json)}`
      : req.body !== undefined
        ? ` ${JSON.stringify(req.body)}`
        : '';
  return `${req.method} ${req.path}${sent}`;
}

async function plainRun(image: string, req: HttpTestRequest): Promise<string> {
  return withServingImage(image, { prefix: 'faaso-demo', what: image, hardened: false }, async (base) => {
    const res = await sendRequest(base, req);
    return `${res.status} ${res.body.trim()}`;
  });
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  await setup([]);
  const upCode = await up([]);
  if (upCode !== 0) throw new UserError('the stack did not become healthy', 'see npx zx scripts/status.mjs');
  const project = await openProject();
  const config = await loadStackConfig(project.settings.root, { registry: project.settings.registry });
  const specs = new Map(
    (
      await loadFunctions(
        project.settings.root,
        config.functions.map((f) => f.name),
        project.templates,
      )
    ).map((s) => [s.name, s]),
  );
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
