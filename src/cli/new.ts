// npx zx scripts/new.mjs NAME --runtime R: scaffold functions/NAME from the
// runtime's skeleton. Refuses to overwrite; the new function's test passes as is.
import fs from 'fs-extra';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { listFiles, loadFunctions } from '../function/load.ts';
import { checkFunctionName } from '../function/validate.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/new.mjs NAME --runtime RUNTIME';

/** Skeleton files are copied verbatim except for the literal placeholder {{name}}
 * (not full Handlebars: Crystal macros and other templates use braces too). */
export function fillSkeleton(text: string, name: string): string {
  return text.split('{{name}}').join(name);
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { runtime: { type: 'string', short: 'r' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const project = await openProject();
  const runtimes = [...project.templates.keys()].sort();
  if (positionals.length !== 1) throw new UserError('expected exactly one function name', `usage: ${USAGE}`);
  const name = positionals[0]!;
  const runtime = values.runtime;
  if (typeof runtime !== 'string')
    throw new UserError('--runtime is required', `usage: ${USAGE} (runtimes: ${runtimes.join(', ')})`);
  const nameProblem = checkFunctionName(name);
  if (nameProblem) throw new UserError(`invalid function name ${JSON.stringify(name)}: ${nameProblem}`);
  const template = project.templates.get(runtime);
  if (!template) throw new UserError(`unknown runtime ${JSON.stringify(runtime)} (available: ${runtimes.join(', ')})`);

  const functionsDir = path.join(project.settings.root, 'functions');
  const dir = path.join(functionsDir, name);
  if (await fs.pathExists(dir))
    throw new UserError(
      `functions/${name} already exists; refusing to overwrite it`,
      'pick another name, or remove the folder first',
    );

  const skeleton = path.join(template.dir, 'skeleton');
  const tmp = path.join(functionsDir, `.${name}.faaso-new-${process.pid}`);
  await fs.remove(tmp);
  try {
    for (const rel of await listFiles(skeleton)) {
      const text = await fs.readFile(path.join(skeleton, rel), 'utf8');
      await fs.outputFile(path.join(tmp, rel), fillSkeleton(text, name));
    }
    // Appear all at once: a crash never leaves a half-made function folder.
    await fs.rename(tmp, dir);
  } finally {
    await fs.remove(tmp);
  }
  await loadFunctions(project.settings.root, [name], project.templates);
  log(`created functions/${name} (${runtime}): ${(await listFiles(dir)).join(', ')}`);
  log(`next: edit functions/${name}/${template.handler}, then npx zx scripts/build.mjs ${name}`);
  return 0;
}
