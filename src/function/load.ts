// The I/O edge of function loading: find functions/<name>/, read function.yml,
// list the folder, and hand everything to the pure validator.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError, ValidationError, type Problem } from '../errors.ts';
import type { TemplateMeta } from '../template/types.ts';
import { collectFiles, isInside, listFoldersWith, readFolderWithYaml } from '../util/list-files.ts';
import { readTextCapped } from '../util/read-text.ts';
import { contextFilter, IGNORE_FILE, ignoreLines } from './context-files.ts';
import { didYouMean } from '../util/suggest.ts';
import { runPool } from '../util/pool.ts';
import type { FunctionSpec } from './types.ts';
import { FUNCTION_FILE, validateFunction } from './validate.ts';

export { listFiles } from '../util/list-files.ts';

export const FUNCTIONS_DIR = 'functions';
/** Function folders read at once. */
const READ_JOBS = 8;

/** Names that would resolve outside functions/ (or to it); never touch the disk with them. */
const isPathLike = (name: string): boolean => name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name);

const isFile = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** Folders under functions/ holding a function.yml, sorted; hidden ones (work in progress) skipped. */
export async function listFunctionNames(projectRoot: string): Promise<string[]> {
  return listFoldersWith(path.join(projectRoot, FUNCTIONS_DIR), FUNCTION_FILE);
}

function availableHint(name: string, available: string[]): string {
  if (available.length === 0)
    return 'there are no functions yet: create one with npx zx scripts/new.mjs NAME --runtime RUNTIME';
  return `available: ${available.join(', ')}${didYouMean(name, available)}`;
}

/** Throws a UserError unless functions/<name>/function.yml exists; the name must not be a path. */
async function requireFunctionFolder(projectRoot: string, name: string): Promise<void> {
  const shown = `${FUNCTIONS_DIR}/${name}`;
  if (isPathLike(name)) {
    throw new UserError(`invalid function name ${JSON.stringify(name)}`, 'name a folder under functions/, e.g. "sum"');
  }
  const dir = path.join(projectRoot, FUNCTIONS_DIR, name);
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st)
    throw new UserError(
      `no function "${name}" (${shown}/ does not exist)`,
      availableHint(name, await listFunctionNames(projectRoot)),
    );
  if (!st.isDirectory())
    throw new UserError(`${shown} is not a folder`, 'a function is a folder functions/NAME/ holding function.yml');
  // functions/NAME (or functions/ itself) may be a link: follow it only within the project.
  const [real, realRoot] = await Promise.all([fs.realpath(dir), fs.realpath(projectRoot)]);
  if (!isInside(realRoot, real))
    throw new UserError(
      `${shown} points outside the project (to ${real})`,
      'nothing outside the project folder enters a build: copy the function into functions/ instead of linking it',
    );
  if (!(await isFile(path.join(dir, FUNCTION_FILE)))) {
    throw new UserError(
      `${shown}/${FUNCTION_FILE} is missing`,
      `every function folder needs a function.yml: copy templates/RUNTIME/skeleton/function.yml into ${shown}/ and edit it`,
    );
  }
}

/** Reads and validates one function; returns its spec or the problems found. */
async function readFunction(
  projectRoot: string,
  name: string,
  runtimes: ReadonlyMap<string, TemplateMeta>,
): Promise<{ spec?: FunctionSpec; problems: Problem[] }> {
  await requireFunctionFolder(projectRoot, name);
  const read = await readFolderWithYaml(projectRoot, FUNCTIONS_DIR, name, FUNCTION_FILE);
  if (!('value' in read)) return { problems: read.problems };
  const ignore = await readIgnoreFile(read.dir, `${FUNCTIONS_DIR}/${name}`, read.files);
  if ('problem' in ignore) return { problems: [ignore.problem, ...read.problems] };
  const handlers = Object.fromEntries([...runtimes].map(([rt, meta]) => [rt, meta.handler]));
  const ctx = {
    name,
    dir: read.dir,
    file: read.file,
    runtimes: [...runtimes.keys()],
    handlers,
    files: read.files,
    ignore: ignore.lines,
  };
  const result = validateFunction(read.value, ctx);
  // A bad symlink matters only where it would enter the context (an editor's
  // dangling .#lock link, a .venv pointing at /usr/bin/python3, do not).
  const raw = read.value as { files?: unknown } | null;
  const filter = contextFilter(Array.isArray(raw?.files) ? raw.files : [], ignore.lines);
  const listing = read.problems.filter((p) => {
    const rel = p.file.slice(`${FUNCTIONS_DIR}/${name}/`.length);
    return rel === IGNORE_FILE || filter.enters(rel);
  });
  return { ...result, problems: [...result.problems, ...listing] };
}

/** The lines of DIR/.faasoignore when the folder has one (capped like every config file). */
async function readIgnoreFile(
  dir: string,
  shown: string,
  files: readonly string[],
): Promise<{ lines: string[] } | { problem: Problem }> {
  if (!files.includes(IGNORE_FILE)) return { lines: [] };
  const read = await readTextCapped(path.join(dir, IGNORE_FILE), `${shown}/${IGNORE_FILE}`);
  return 'problem' in read ? read : { lines: ignoreLines(read.text) };
}

/**
 * The files of a validated function that enter its build context, function.yml
 * included (it is hashed, never copied): dotfiles only when `files` names them,
 * nothing .faasoignore leaves out, and a ValidationError for any of them that
 * is a symlink leaving the folder.
 */
export async function listContextFiles(spec: FunctionSpec): Promise<string[]> {
  const shown = path.posix.dirname(spec.file);
  const { files, problems } = await collectFiles(spec.dir, shown);
  const filter = contextFilter(spec.files, spec.ignore);
  const bad = problems.filter((p) => filter.enters(p.file.slice(shown.length + 1)));
  if (bad.length > 0) throw new ValidationError(bad);
  return files.filter((f) => f === FUNCTION_FILE || filter.enters(f));
}

/** Loads functions/<name>/: a FunctionSpec, or a UserError/ValidationError naming every problem. */
export async function loadFunction(
  projectRoot: string,
  name: string,
  runtimes: ReadonlyMap<string, TemplateMeta>,
): Promise<FunctionSpec> {
  return (await loadFunctions(projectRoot, [name], runtimes))[0]!;
}

/** Loads several functions (in the given order), reporting the problems of all of them at once. */
export async function loadFunctions(
  projectRoot: string,
  names: readonly string[],
  runtimes: ReadonlyMap<string, TemplateMeta>,
): Promise<FunctionSpec[]> {
  // Several missing names are reported together; a single one gets readFunction's message.
  const missing = [];
  for (const name of names) {
    if (isPathLike(name)) continue;
    const st = await fs.stat(path.join(projectRoot, FUNCTIONS_DIR, name)).catch(() => undefined);
    if (!st) missing.push(name);
  }
  if (missing.length > 1) {
    const list = missing.map((n) => `"${n}"`).join(', ');
    throw new UserError(
      `no functions ${list} (not found under ${FUNCTIONS_DIR}/)`,
      availableHint(missing[0]!, await listFunctionNames(projectRoot)),
    );
  }
  // Read several at once (30 functions one after the other were a third of a
  // no-change `up`), bounded so a big project does not run out of file handles,
  // and reported in the order asked, so the same mistake gives the same error.
  const settled = await runPool(names, READ_JOBS, (name) => readFunction(projectRoot, name, runtimes));
  const results = settled.map((r) => {
    if (!r.ok) throw r.error;
    return r.value;
  });
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return results.map((r) => r.spec!);
}

/** Every function under functions/, sorted by name. */
export async function loadAllFunctions(
  projectRoot: string,
  runtimes: ReadonlyMap<string, TemplateMeta>,
): Promise<FunctionSpec[]> {
  return loadFunctions(projectRoot, await listFunctionNames(projectRoot), runtimes);
}
