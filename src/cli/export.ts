// npx zx scripts/export.mjs NAME DIR: write the merged build context, so that
// plain `docker build DIR` builds the same image without faaso.
import fs from 'fs-extra';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { planFunction } from '../build/build.ts';
import { writeContext } from '../build/context.ts';
import { CA_SECRET_ID } from '../build/render.ts';
import { parseCli } from './entry.ts';
import { log, selectFunctions } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/export.mjs NAME DIR';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  if (positionals.length !== 2)
    throw new UserError('expected a function name and a target directory', `usage: ${USAGE}`);
  const [name, target] = positionals as [string, string];
  const dir = path.resolve(target);
  if ((await fs.pathExists(dir)) && (await fs.readdir(dir)).length > 0) {
    throw new UserError(
      `${target}: directory exists and is not empty`,
      'choose a new or empty directory; export never overwrites',
    );
  }
  const project = await openProject();
  const [spec] = await selectFunctions(project, [name], false, USAGE);
  const plan = await planFunction(spec!, project.templates.get(spec!.runtime)!, project.settings);
  // Write next to the target and rename, so an interrupted export leaves no half context.
  const tmp = `${dir}.faaso-tmp-${process.pid}`;
  await fs.remove(tmp);
  await writeContext(plan, tmp);
  await fs.remove(dir);
  await fs.rename(tmp, dir);
  log(`exported ${name} (content hash ${plan.hash}) to ${dir}`);
  log(`build it with: docker build -t ${name} ${dir}`);
  if (project.settings.buildCa)
    log(`behind a TLS-intercepting proxy add: --secret id=${CA_SECRET_ID},src=${project.settings.buildCa}`);
  return 0;
}
