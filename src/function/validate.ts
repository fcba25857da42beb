// Pure validation of function.yml: raw YAML value + facts about the folder in,
// FunctionSpec or the full list of problems out (users fix everything in one go).
import type { Problem } from '../errors.ts';
import { byCodeUnit, checkKnownKeys, fieldPath, isAbsent, isMapping, Problems, typeName } from '../util/fields.ts';
import { globMatcher } from '../util/glob.ts';
import { didYouMean } from '../util/suggest.ts';
import { readDescription, readGlobs, readPackages } from '../rules/readers.ts';
import { DNS_LABEL, ENV_TOTAL_MAX, envKeyProblem, envValueProblem } from '../rules/values.ts';
import type { FunctionSpec } from './types.ts';
import { readFunctionSecrets } from './validate-secrets.ts';
import { readTests } from './validate-tests.ts';
import { contextFilter, IGNORE_FILE, type ContextFilter } from './context-files.ts';

/** The fields function.yml may have; anything else is a typo and an error. */
export const FUNCTION_KEYS: readonly string[] = [
  'runtime',
  'description',
  'packages',
  'files',
  'env',
  'secrets',
  'test_secrets',
  'tests',
];

export const FUNCTION_FILE = 'function.yml';

export interface FunctionContext {
  /** Folder name under functions/. */
  name: string;
  /** Absolute folder path (copied into the spec). */
  dir: string;
  /** function.yml as shown to users, e.g. "functions/sum/function.yml". */
  file: string;
  /** Available runtimes (template folder names). */
  runtimes: readonly string[];
  /** runtime -> handler file every function of that runtime must provide. */
  handlers: Readonly<Record<string, string>>;
  /** Every file in the function folder: relative posix paths. */
  files: readonly string[];
  /** Lines of the folder's .faasoignore, if it has one. */
  ignore?: readonly string[];
}

/** The folder as shown to users: "functions/sum/". */
function shownDir(ctx: FunctionContext): string {
  const i = ctx.file.lastIndexOf('/');
  return i < 0 ? './' : ctx.file.slice(0, i + 1);
}

/** Why a function name is not a DNS label, or undefined when it is one. */
export function checkFunctionName(name: string): string | undefined {
  if (DNS_LABEL.test(name)) return undefined;
  const why =
    name.length > 63
      ? `it has ${name.length} characters`
      : /[A-Z]/.test(name)
        ? 'it has upper-case letters'
        : undefined;
  return (
    'a function name must be a DNS label: at most 63 lower-case letters, digits and "-", ' +
    `starting and ending with a letter or digit${why ? ` (${why})` : ''}`
  );
}

function checkName(name: string, ctx: FunctionContext, p: Problems): void {
  const why = checkFunctionName(name);
  if (why) p.add('name', `${JSON.stringify(name)}: ${why}; rename the folder ${shownDir(ctx)}`);
}

function readRuntime(raw: unknown, ctx: FunctionContext, p: Problems): string | undefined {
  const sorted = [...ctx.runtimes].sort();
  const available = sorted.length ? `available: ${sorted.join(', ')}` : 'no templates found under templates/';
  if (typeof raw === 'string' && sorted.includes(raw)) return raw;
  if (isAbsent(raw)) p.add('runtime', `required (${available})`);
  else if (typeof raw !== 'string') p.add('runtime', `must be a string (${available}; got ${typeName(raw)})`);
  else {
    // "did you mean" goes last so the message starts like every unknown-runtime message.
    const hint = didYouMean(raw, sorted).replace(/^ \((.*)\)$/, '; $1');
    p.add('runtime', `unknown runtime ${JSON.stringify(raw)} (${available})${hint}`);
  }
  return undefined;
}

/**
 * An env mapping, NAME -> text, sorted by name. Shared with faaso.yml's
 * per-function `env` overrides (src/runner/config-functions.ts), hence `field`.
 */
export function readEnv(raw: unknown, p: Problems, field = 'env'): Record<string, string> {
  if (isAbsent(raw)) return {};
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping of NAME: value (got ${typeName(raw)})`);
    return {};
  }
  const out: Array<[string, string]> = [];
  let total = 0;
  for (const [key, value] of Object.entries(raw)) {
    const f = fieldPath(field, key);
    const keyWhy = envKeyProblem(key);
    if (keyWhy) p.add(f, keyWhy);
    if (typeof value !== 'string') {
      p.add(f, envNotTextMessage(key, value));
      continue;
    }
    total += key.length + value.length + 2;
    const why = envValueProblem(value);
    if (why) p.add(f, why);
    else if (!keyWhy) out.push([key, value]);
  }
  if (total > ENV_TOTAL_MAX)
    p.add(field, `${total} characters of variables in all; at most ${ENV_TOTAL_MAX} (ship larger data as a file)`);
  return Object.fromEntries(out.sort(([a], [b]) => byCodeUnit(a, b)));
}

/**
 * Env values are text, and YAML reads `LIMIT: 10`, `VERSION: 1.10` or
 * `DEBUG: True` as a number or boolean: turning them back into text loses what
 * was written (1.10 becomes 1.1, 0x1F becomes 31, True becomes true), so only
 * quoted text is taken.
 */
function envNotTextMessage(key: string, value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') {
    const what = typeof value === 'number' ? 'number' : 'boolean';
    return (
      `YAML reads this value as the ${what} ${String(value)}, not as text: quote it exactly as you mean it, ` +
      `e.g. ${key}: "${String(value)}" (unquoted, 1.10 becomes 1.1, 0x1F becomes 31 and True becomes true)`
    );
  }
  return `must be text in quotes (got ${typeName(value)}); write ${key}: "" for an empty value`;
}

/** Each glob must select at least one file: a typo'd glob silently shipping nothing is a bug. */
function checkGlobsMatch(
  raw: unknown,
  valid: readonly string[],
  ctx: FunctionContext,
  filter: ContextFilter,
  p: Problems,
): void {
  if (!Array.isArray(raw)) return;
  const candidates = ctx.files.filter((f) => f !== FUNCTION_FILE);
  raw.forEach((glob: unknown, i) => {
    if (typeof glob !== 'string' || !valid.includes(glob)) return;
    const re = globMatcher(glob);
    const matched = candidates.filter((f) => re.test(f));
    if (matched.some((f) => filter.enters(f))) return;
    if (matched.some((f) => filter.ignored(f))) {
      p.add(
        fieldPath('files', i),
        `${JSON.stringify(glob)} matches only files ${shownDir(ctx)}${IGNORE_FILE} leaves out`,
      );
      return;
    }
    if (matched.length > 0) {
      const backup = '(name~, #name#), which never ship';
      p.add(fieldPath('files', i), `${JSON.stringify(glob)} matches only editor backup files ${backup}`);
      return;
    }
    const dotNote = /(^|\/)\./.test(glob) ? '' : ' (wildcards skip names starting with ".")';
    p.add(fieldPath('files', i), `${JSON.stringify(glob)} matches no file in ${shownDir(ctx)}${dotNote}`);
  });
}

function checkHandler(runtime: string, ctx: FunctionContext, filter: ContextFilter, p: Problems): void {
  const handler = ctx.handlers[runtime];
  if (handler !== undefined && ctx.files.includes(handler) && filter.ignored(handler)) {
    p.add(
      'runtime',
      `the ${runtime} runtime needs the handler ${handler}, but ${shownDir(ctx)}${IGNORE_FILE} leaves it out`,
    );
    return;
  }
  if (handler === undefined || ctx.files.includes(handler)) return;
  p.add(
    'runtime',
    `the ${runtime} runtime needs a handler file ${handler}, but ${shownDir(ctx)}${handler} does not exist ` +
      `(start from templates/${runtime}/skeleton/${handler})`,
  );
}

/** Validates a parsed function.yml. `spec` is set only when there are no problems. */
export function validateFunction(raw: unknown, ctx: FunctionContext): { spec?: FunctionSpec; problems: Problem[] } {
  const p = new Problems(ctx.file);
  checkName(ctx.name, ctx, p);
  if (!isMapping(raw)) {
    p.add('', `must be a mapping of fields (${FUNCTION_KEYS.join(', ')}); got ${typeName(raw)}`);
    return { problems: p.list };
  }
  checkKnownKeys(raw, FUNCTION_KEYS, '', p);
  const runtime = readRuntime(raw.runtime, ctx, p);
  const description = readDescription(raw.description, 'description', p);
  const packages = readPackages(raw.packages, 'packages', p);
  const files = readGlobs(raw.files, 'files', p, [FUNCTION_FILE]);
  const ignore = [...(ctx.ignore ?? [])];
  const filter = contextFilter(files, ignore);
  checkGlobsMatch(raw.files, files, ctx, filter, p);
  const env = readEnv(raw.env, p);
  const tests = readTests(raw.tests, 'tests', p);
  const { secrets, testSecrets } = readFunctionSecrets(raw, tests.length > 0, p);
  if (runtime !== undefined) checkHandler(runtime, ctx, filter, p);
  if (p.list.length > 0 || runtime === undefined) return { problems: p.list };
  return {
    spec: {
      name: ctx.name,
      dir: ctx.dir,
      file: ctx.file,
      runtime,
      description,
      packages,
      files,
      env,
      secrets,
      testSecrets,
      tests,
      ignore,
    },
    problems: [],
  };
}
