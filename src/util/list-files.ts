// Lists the files of a function or template folder: what gets validated,
// globbed and copied into a build. Symlinks that leave the folder are errors,
// never silently followed or skipped: they would ship files from elsewhere.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ValidationError, type Problem } from '../errors.ts';
import { byCodeUnit } from './fields.ts';
import { readTextCapped } from './read-text.ts';
import { yamlProblems } from './yaml.ts';

/** Names never part of a function: dependency caches, VCS data, editor/OS litter. */
export const SKIPPED_NAMES: readonly string[] = ['node_modules', '.git', '__pycache__', '.DS_Store'];

/** Whether a folder entry is skipped (dependency folders, VCS data, bytecode). */
export function isSkippedName(name: string): boolean {
  return SKIPPED_NAMES.includes(name) || name.endsWith('.pyc');
}

export { byCodeUnit };

/** Whether absolute path p is root or inside it. */
export const isInside = (root: string, p: string): boolean => p === root || p.startsWith(root + path.sep);

/**
 * Every file under `dir` as sorted relative posix paths, plus problems for
 * symlinks that escape the folder, dangle, or point at folders. `shown` is how
 * the folder appears in messages ("functions/sum").
 */
export async function collectFiles(dir: string, shown: string): Promise<{ files: string[]; problems: Problem[] }> {
  const root = await fs.realpath(dir);
  const files: string[] = [];
  const problems: Problem[] = [];
  const problem = (rel: string, message: string): void => {
    problems.push({ file: `${shown}/${rel}`, field: '', message });
  };
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      if (isSkippedName(e.name)) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, childRel);
      if (e.isDirectory()) await walk(childRel);
      else if (e.isFile()) files.push(childRel);
      else if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await fs.realpath(abs);
        } catch {
          problem(childRel, `broken symlink (to ${await fs.readlink(abs)}); remove it or copy the file in`);
          continue;
        }
        if (!isInside(root, target)) {
          problem(childRel, `symlink points outside ${shown}/ (to ${target}); copy the file into the folder instead`);
          continue;
        }
        const st = await fs.stat(abs);
        if (st.isFile()) files.push(childRel);
        else if (st.isDirectory()) problem(childRel, 'symlinked folders are not supported; use a real folder');
      }
      // Sockets, FIFOs and devices are not source files: ignored.
    }
  };
  await walk('');
  return { files: files.sort(byCodeUnit), problems };
}

/** collectFiles that throws a ValidationError for bad symlinks. */
export async function listFiles(dir: string, shown: string = dir): Promise<string[]> {
  const { files, problems } = await collectFiles(dir, shown);
  if (problems.length > 0) throw new ValidationError(problems);
  return files;
}

/**
 * Sub-folders of dir that hold `marker` (a function folder's function.yml, a
 * template folder's template.yml), sorted. Hidden folders are work in progress (e.g.
 * `new`'s temp folder) and skipped; a missing dir has none.
 */
export async function listFoldersWith(dir: string, marker: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const isFile = (p: string): Promise<boolean> =>
    fs.stat(p).then(
      (s) => s.isFile(),
      () => false,
    );
  const names: string[] = [];
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await isFile(path.join(dir, e.name, marker))))
      names.push(e.name);
  }
  return names.sort(byCodeUnit);
}

/** A function or template folder read for validation: its YAML file parsed, its files listed. */
export interface FolderRead {
  dir: string;
  /** The YAML file as shown to users, e.g. functions/sum/function.yml. */
  file: string;
  files: string[];
  /** Problems of the folder listing, then of the YAML syntax; empty when both are fine. */
  problems: Problem[];
  /** The parsed YAML, when it parsed. */
  value?: unknown;
}

/** Reads PARENT/NAME/MARKER and lists PARENT/NAME/, both relative to projectRoot. */
export async function readFolderWithYaml(
  projectRoot: string,
  parent: string,
  name: string,
  marker: string,
): Promise<FolderRead> {
  const dir = path.resolve(projectRoot, parent, name);
  const shown = `${parent}/${name}`;
  const file = `${shown}/${marker}`;
  const [read, listing] = await Promise.all([readTextCapped(path.join(dir, marker), file), collectFiles(dir, shown)]);
  if ('problem' in read) return { dir, file, files: listing.files, problems: [read.problem, ...listing.problems] };
  const parsed = yamlProblems(read.text, file);
  if ('problems' in parsed)
    return { dir, file, files: listing.files, problems: [...parsed.problems, ...listing.problems] };
  return { dir, file, files: listing.files, problems: listing.problems, value: parsed.value };
}
