// The I/O edge of template loading: templates/*/template.yml -> TemplateMeta map.
import path from 'node:path';
import { UserError, ValidationError, type Problem } from '../errors.ts';
import { listFoldersWith, readFolderWithYaml } from '../util/list-files.ts';
import type { TemplateMeta } from './types.ts';
import { TEMPLATE_FILE, validateTemplate } from './validate.ts';

export const TEMPLATES_DIR = 'templates';

/**
 * Folders under templates/ holding a template.yml, sorted. A folder without one
 * (a template being written) is not a runtime yet and is skipped.
 */
export async function listTemplateNames(projectRoot: string): Promise<string[]> {
  return listFoldersWith(path.join(projectRoot, TEMPLATES_DIR), TEMPLATE_FILE);
}

async function readTemplate(projectRoot: string, name: string): Promise<{ meta?: TemplateMeta; problems: Problem[] }> {
  const read = await readFolderWithYaml(projectRoot, TEMPLATES_DIR, name, TEMPLATE_FILE);
  if (!('value' in read)) return { problems: read.problems };
  const result = validateTemplate(read.value, { name, dir: read.dir, file: read.file, files: read.files });
  return { ...result, problems: [...result.problems, ...read.problems] };
}

/** Every runtime under templates/, validated, keyed by name in sorted order; all problems at once. */
export async function loadTemplates(projectRoot: string): Promise<Map<string, TemplateMeta>> {
  const names = await listTemplateNames(projectRoot);
  const results = await Promise.all(names.map((n) => readTemplate(projectRoot, n)));
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0)
    throw new ValidationError(problems, 'templates are part of faaso; fix them before building functions');
  return new Map(results.map((r) => [r.meta!.name, r.meta!]));
}

/** One runtime's template; UserError when templates/<name>/template.yml does not exist. */
export async function loadTemplate(projectRoot: string, name: string): Promise<TemplateMeta> {
  const available = await listTemplateNames(projectRoot);
  if (!available.includes(name)) {
    throw new UserError(
      `no runtime "${name}" (${TEMPLATES_DIR}/${name}/${TEMPLATE_FILE} does not exist)`,
      `available: ${available.join(', ') || '(none)'}`,
    );
  }
  const { meta, problems } = await readTemplate(projectRoot, name);
  if (!meta) throw new ValidationError(problems);
  return meta;
}
