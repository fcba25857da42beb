// Pure validation of templates/<runtime>/template.yml into TemplateMeta. Templates
// are data the builder trusts (their values land in Dockerfiles), so they get the
// same allow-list rules as function.yml.
import type { Problem } from '../errors.ts';
import { CONTROL_CHARS, checkKnownKeys, fieldPath, isAbsent, isMapping, Problems, typeName } from '../util/fields.ts';
import { readDescription, readGlobs, readPackages } from '../rules/readers.ts';
import { DNS_LABEL, relativePathProblem } from '../rules/values.ts';
import type { TemplateMeta } from './types.ts';

export const TEMPLATE_KEYS: readonly string[] = ['description', 'handler', 'ship', 'packages', 'cmd', 'healthcheck'];
export const TEMPLATE_FILE = 'template.yml';
export const DOCKERFILE_TEMPLATE = 'Dockerfile.hbs';
export const SKELETON_DIR = 'skeleton';

/** Files with a fixed role that a function's handler can never be. */
const NOT_A_HANDLER = ['function.yml', TEMPLATE_FILE, DOCKERFILE_TEMPLATE];

export interface TemplateContext {
  /** Folder name under templates/ = runtime name. */
  name: string;
  /** Absolute folder path (copied into the meta). */
  dir: string;
  /** template.yml as shown to users, e.g. "templates/python/template.yml". */
  file: string;
  /** Every file in the template folder: relative posix paths. */
  files: readonly string[];
}

/** A required, non-empty exec-form command: list of non-empty one-line strings. */
function readCommand(raw: unknown, field: string, p: Problems): string[] {
  if (isAbsent(raw) || !Array.isArray(raw) || raw.length === 0) {
    p.add(
      field,
      `must be a non-empty list of strings in exec form, e.g. ["/usr/bin/python3", "/app/server.py"] (got ${isAbsent(raw) ? 'nothing' : typeName(raw)})`,
    );
    return [];
  }
  const out: string[] = [];
  raw.forEach((v, i) => {
    if (typeof v !== 'string' || v === '')
      p.add(fieldPath(field, i), `must be a non-empty string (got ${typeName(v)})`);
    else if (CONTROL_CHARS.test(v))
      p.add(fieldPath(field, i), `must not contain line breaks or control characters (got ${JSON.stringify(v)})`);
    else out.push(v);
  });
  return out;
}

function readHandler(raw: unknown, p: Problems): string {
  const bad = (message: string): string => {
    p.add('handler', message);
    return '';
  };
  if (isAbsent(raw)) return bad('required: the file every function of this runtime must provide, e.g. handler.py');
  if (typeof raw !== 'string') return bad(`must be a string (got ${typeName(raw)})`);
  const why = relativePathProblem(raw);
  if (why) return bad(why);
  if (NOT_A_HANDLER.includes(raw) || raw.startsWith(`${SKELETON_DIR}/`))
    return bad(`${JSON.stringify(raw)} cannot be the handler`);
  return raw;
}

/** The files a template folder must contain besides template.yml. */
function checkFolder(handler: string, ctx: TemplateContext, p: Problems): void {
  const dir = ctx.file.slice(0, ctx.file.lastIndexOf('/') + 1);
  const need = (rel: string, why: string): void => {
    if (!ctx.files.includes(rel)) p.list.push({ file: `${dir}${rel}`, field: '', message: `missing (${why})` });
  };
  need(DOCKERFILE_TEMPLATE, 'the builder renders it into the Dockerfile');
  need(`${SKELETON_DIR}/function.yml`, 'scripts/new.mjs copies skeleton/ into a new function');
  if (handler) need(`${SKELETON_DIR}/${handler}`, `a new function must provide the handler ${handler}`);
}

/** Validates a parsed template.yml. `meta` is set only when there are no problems. */
export function validateTemplate(raw: unknown, ctx: TemplateContext): { meta?: TemplateMeta; problems: Problem[] } {
  const p = new Problems(ctx.file);
  if (!DNS_LABEL.test(ctx.name)) {
    p.add(
      'name',
      `runtime name ${JSON.stringify(ctx.name)} must be a DNS label (lower-case letters, digits and "-"); rename the folder`,
    );
  }
  if (!isMapping(raw)) {
    p.add('', `must be a mapping of fields (${TEMPLATE_KEYS.join(', ')}); got ${typeName(raw)}`);
    return { problems: p.list };
  }
  checkKnownKeys(raw, TEMPLATE_KEYS, '', p);
  const description = readDescription(raw.description, 'description', p, true);
  const handler = readHandler(raw.handler, p);
  const ship = readGlobs(raw.ship, 'ship', p);
  const packages = readPackages(raw.packages, 'packages', p);
  const cmd = readCommand(raw.cmd, 'cmd', p);
  const healthcheck = readCommand(raw.healthcheck, 'healthcheck', p);
  checkFolder(handler, ctx, p);
  if (p.list.length > 0) return { problems: p.list };
  return {
    meta: { name: ctx.name, dir: ctx.dir, description, handler, ship, packages, cmd, healthcheck },
    problems: [],
  };
}
