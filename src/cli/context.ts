// What every command starts from: settings, templates and the functions asked for,
// all validated before anything runs.
import fs from 'node:fs';
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import { resolveSettings, type Settings } from '../settings.ts';
import { UserError } from '../errors.ts';
import { listFunctionNames, loadFunctions } from '../function/load.ts';
import { loadTemplates } from '../template/load.ts';

export interface Project {
  settings: Settings;
  templates: Map<string, TemplateMeta>;
}

export async function openProject(): Promise<Project> {
  const settings = resolveSettings(process.env, (p) => fs.existsSync(p));
  const templates = await loadTemplates(settings.root);
  return { settings, templates };
}

/** Resolves NAME… or --all into validated specs; every problem of every function at once. */
export async function selectFunctions(project: Project, names: string[], all: boolean, usage: string): Promise<FunctionSpec[]> {
  const available = await listFunctionNames(project.settings.root);
  if (all) names = available;
  if (names.length === 0) {
    throw new UserError('name at least one function, or pass --all', `usage: ${usage}\navailable: ${available.join(', ') || '(none in functions/)'}`);
  }
  return loadFunctions(project.settings.root, [...new Set(names)], project.templates);
}

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
