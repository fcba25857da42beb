// The commands' shared edge: the functions a command is asked for (NAME… or
// --all, validated before anything runs) and where their lines go.
import type { FunctionSpec } from '../function/types.ts';
import { UserError } from '../errors.ts';
import { listFunctionNames, loadFunctions } from '../function/load.ts';
import type { Project } from '../project.ts';

/** Resolves NAME… or --all into validated specs; every problem of every function at once. */
export async function selectFunctions(
  project: Project,
  names: string[],
  all: boolean,
  usage: string,
): Promise<FunctionSpec[]> {
  const available = await listFunctionNames(project.settings.root);
  if (all) names = available;
  if (names.length === 0) {
    throw new UserError(
      'name at least one function, or pass --all',
      `usage: ${usage}\navailable: ${available.join(', ') || '(none in functions/)'}`,
    );
  }
  return loadFunctions(project.settings.root, [...new Set(names)], project.templates);
}

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
