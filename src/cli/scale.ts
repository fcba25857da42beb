// npx zx scripts/scale.mjs NAME N: set functions.NAME.replicas in faaso.yml
// (only that number changes in the file) and apply it: new replicas start and
// answer before they are counted, surplus ones drain; the proxy is not reloaded.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { applyTarget, stackRows } from '../stack/target.ts';
import { setReplicas } from '../stack/config/edit.ts';
import { readStackFile } from '../stack/config/load.ts';
import { REPLICAS_MAX, REPLICAS_MIN, STACK_FILE } from '../stack/config/rules.ts';
import { listFunctionNames } from '../function/load.ts';
import { prepareStack } from '../stack/prepare.ts';
import { rowHealthy } from '../stack/table.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/scale.mjs NAME REPLICAS';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const [name, count, ...extra] = positionals;
  if (!name || count === undefined || extra.length > 0)
    throw new UserError('name one function and a number of replicas', `usage: ${USAGE}`);
  const replicas = Number(count);
  if (!/^[0-9]+$/.test(count) || replicas < REPLICAS_MIN || replicas > REPLICAS_MAX) {
    throw new UserError(
      `replicas: must be an integer from ${REPLICAS_MIN} to ${REPLICAS_MAX} (got ${JSON.stringify(count)})`,
      `usage: ${USAGE}`,
    );
  }
  const project = await openProject();
  const root = project.settings.root;
  const before = await readStackFile(root, await listFunctionNames(root));
  const text = setReplicas(before, name, replicas);
  await ensureEngine({ buildx: false });
  // The edit is checked (and the images required) before it is saved: a mistake leaves faaso.yml as it was.
  const stack = await prepareStack(project, { build: false, stackText: text }, log);
  if (!stack.plan.services.some((s) => s.name === name)) {
    throw new UserError(
      `${STACK_FILE}: no route serves ${JSON.stringify(name)}`,
      `route it first, e.g. "/${name}: ${name}" under routes`,
    );
  }
  const file = path.join(root, STACK_FILE);
  const mode = (await fs.stat(file)).mode & 0o777;
  if (text !== before) await writeFileAtomic(file, text, { mode });
  try {
    await applyTarget(stack, log);
  } catch (err) {
    // The replicas that ran are back (the apply rolled back): so is the number in faaso.yml.
    if (text !== before) await writeFileAtomic(file, before, { mode });
    throw err;
  }
  const row = (await stackRows(stack.config.target, stack.target.project, stack.plan)).find(
    (r) => r.function === name,
  )!;
  log(`${name}: ${replicas} replica(s), ${row.health}`);
  return rowHealthy(row) ? 0 : 1;
}
