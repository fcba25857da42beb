// npx zx scripts/up.mjs [NAME…] [--no-build]: build what is missing or stale, generate
// the stack's files, start or update it (only the difference, replicas replaced
// one batch at a time with no reload of the proxy), and print where each route
// answers and how many replicas are healthy.
import { ensureEngine } from '../docker/engine.ts';
import { prepareStack } from '../stack/prepare.ts';
import { applyTarget, stackRows, summarizeChanges } from '../stack/target.ts';
import { renderTable, rowHealthy } from '../stack/table.ts';
import { proxyBase } from '../stack/urls.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/up.mjs [NAME…] [--no-build]';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const started = Date.now();
  const project = await openProject();
  // buildx and the base image are checked by the first build that needs them
  // (build/build.ts, images/infra.ts): an up-to-date `up` needs neither.
  await ensureEngine({ buildx: false });
  // NAME…: only those are built; the others must be built already (the whole faaso.yml is applied either way).
  const only = positionals.length > 0 ? positionals : undefined;
  const stack = await prepareStack(project, { build: !values['no-build'], only }, log);
  const diff = await applyTarget(stack, log);
  const rows = await stackRows(stack.config.target, stack.target.project, stack.plan);
  log('');
  log(
    renderTable(
      ['ROUTE', 'URL', 'FUNCTION', 'IMAGE', 'HEALTH'],
      rows.map((r) => [r.routes.join(' '), r.url, r.function, r.image, r.health]),
    ),
  );
  const took = ((Date.now() - started) / 1000).toFixed(1);
  const where =
    stack.config.target === 'swarm'
      ? `port ${stack.plan.proxy.port} of every Swarm node`
      : proxyBase(stack.plan, undefined, stack.plan.bind);
  log(`\nstack ${stack.target.project}: ${summarizeChanges(diff)} in ${took}s; proxy on ${where}`);
  return rows.every(rowHealthy) ? 0 : 1;
}
