// npx zx scripts/export.mjs NAME DIR: write the merged build context, so that
// plain `docker build DIR` builds the same image without faaso.
import fs from 'fs-extra';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { planFunction } from '../build/build.ts';
import { writeContext } from '../build/context.ts';
import { CA_SECRET_ID } from '../build/dockerfile-vars.ts';
import { parseCli } from './entry.ts';
import { log, selectFunctions } from './context.ts';
import { openProject } from '../project.ts';
import { FUNCTION_UID } from '../function/contract.ts';

const USAGE = 'npx zx scripts/export.mjs NAME DIR';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(args, { help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  if (positionals.length !== 2)
    throw new UserError('expected a function name and a target directory', `usage: ${USAGE}`);
  const [name, target] = positionals as [string, string];
  const dir = path.resolve(target);
  const never = 'choose a new or empty folder; export never overwrites';
  const st = await fs.lstat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`${target}: exists and is not a folder`, never);
  if (st && (await fs.readdir(dir)).length > 0) throw new UserError(`${target}: folder exists and is not empty`, never);
  const project = await openProject();
  const [spec] = await selectFunctions(project, [name], false, USAGE);
  const plan = await planFunction(spec!, project.templates.get(spec!.runtime)!, project.settings);
  // Write next to the target and rename, so an interrupted export leaves no half context.
  const tmp = `${dir}.faaso-tmp-${process.pid}`;
  let narrowed;
  try {
    await fs.remove(tmp);
    narrowed = await writeContext(plan, tmp, { keepModes: true });
    await fs.remove(dir);
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.remove(tmp).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new UserError(`cannot write ${target}: ${(err as Error).message}`, 'choose a folder you can write to');
  }
  log(`exported ${name} (content hash ${plan.hash}) to ${dir}`);
  if (narrowed.length > 0) {
    const files = narrowed.map((f) => `${f.dest} (${f.mode.toString(8).padStart(4, '0')})`).join(', ');
    log(
      `kept ${narrowed.length} file(s) as private as in the function folder: ${files}; ` +
        `an image built from this folder gets them so, which the function's user (uid ${FUNCTION_UID}) may not read ` +
        "(faaso's own build makes every file readable: 0644, or 0755 if executable)",
    );
  }
  log(`build it with: docker build -t ${name} ${dir}`);
  if (project.settings.buildCa)
    log(`behind a TLS-intercepting proxy add: --secret id=${CA_SECRET_ID},src=${project.settings.buildCa}`);
  return 0;
}
