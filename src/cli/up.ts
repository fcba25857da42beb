// npx zx scripts/up.mjs [--no-build]: build what is missing or stale, generate
// the stack's files, start or update it (only the difference, replicas replaced
// one batch at a time with no reload of the proxy), and print where each route
// answers and how many replicas are healthy.
import { ensureEngine } from '../docker/engine.ts';
import { prepareStack } from '../stack/prepare.ts';
import { applyStack } from '../stack/apply.ts';
import type { StackDiff } from '../stack/diff.ts';
import { settledStack } from '../stack/settle.ts';
import { functionRows, renderTable, rowHealthy } from '../stack/table.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/up.mjs [--no-build]';

/** "1 started, 2 updated, 1 scaled" — what this `up` did, for its last line. */
export function summarizeDiff(diff: StackDiff): string {
  if (diff.fresh) return 'started';
  const count = (kind: string) => diff.functions.filter((f) => f.kind === kind).length;
  const parts = [
    count('add') && `${count('add')} started`,
    count('update') && `${count('update')} updated`,
    count('scale') && `${count('scale')} scaled`,
    diff.removed.length && `${diff.removed.length} removed`,
  ].filter(Boolean);
  return parts.join(', ') || 'up to date';
}

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
  const rows = functionRows(stack.plan, await settledStack(stack.target.project), Date.now());
  log('');
  log(
    renderTable(
      ['ROUTE', 'URL', 'FUNCTION', 'IMAGE', 'HEALTH'],
      rows.map((r) => [r.routes.join(' '), r.url, r.function, r.image, r.health]),
    ),
  );
  const took = ((Date.now() - started) / 1000).toFixed(1);
  log(
    `\nstack ${stack.target.project}: ${summarizeDiff(diff)} in ${took}s; proxy on http://${stack.plan.bind}:${stack.plan.proxy.port}`,
  );
  return rows.every(rowHealthy) ? 0 : 1;
}
