// What every command starts from: the settings resolved from the environment and
// the project's templates, validated before anything runs.
import fs from 'node:fs';
import { resolveSettings, type Settings } from './settings.ts';
import { loadTemplates } from './template/load.ts';
import type { TemplateMeta } from './template/types.ts';

export interface Project {
  settings: Settings;
  templates: Map<string, TemplateMeta>;
}

export async function openProject(): Promise<Project> {
  const settings = resolveSettings(process.env, (p) => fs.existsSync(p));
  const templates = await loadTemplates(settings.root);
  return { settings, templates };
}
