// npx zx scripts/up.mjs [--no-build]: build what is missing or stale, generate
// the stack's files, start or update it (only the difference), wait until every
// function is healthy and print where each route answers.
import { ensureEngine } from '../docker/engine.ts';
import { prepareStack } from '../stack/prepare.ts';
import { applyStack } from '../stack/apply.ts';
import { observeStack } from '../stack/observe.ts';
import { functionRows, renderTable } from '../stack/table.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/up.mjs [--no-build]';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const started = Date.now();
  const project = await openProject();
  // buildx and the base image are checked by the first build that needs them
  // (build/build.ts, images/infra.ts): an up-to-date `up` needs neither.
  await ensureEngine({ buildx: false });
  const stack = await prepareStack(project, { build: !values['no-build'] }, log);
  const { diff } = await applyStack(stack, log);
  const observed = await observeStack(stack.target.project);
  const rows = functionRows(stack.plan, observed, Date.now());
  log('');
  log(
    renderTable(
      ['ROUTE', 'URL', 'FUNCTION', 'IMAGE', 'HEALTH'],
      rows.map((r) => [r.routes.join(' '), r.url, r.function, r.image, r.health]),
    ),
  );
  const what = diff.fresh
    ? 'started'
    : [
        diff.added.length && `${diff.added.length} started`,
        diff.changed.length && `${diff.changed.length} redeployed`,
        diff.removed.length && `${diff.removed.length} removed`,
      ]
        .filter(Boolean)
        .join(', ') || 'up to date';
  log(
    `\nstack ${stack.target.project}: ${what} in ${((Date.now() - started) / 1000).toFixed(1)}s; proxy on http://${stack.plan.bind}:${stack.plan.proxy.port}`,
  );
  return rows.every((r) => r.health === 'healthy') ? 0 : 1;
}
