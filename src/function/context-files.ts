// Which files of a function folder may enter its build context. Pure: the
// folder's listing, the `files` globs and the lines of .faasoignore in, a
// decision per path out. A dotfile (.env, .git/, .ssh/, an editor's .swp or
// .#lock) is private by default: only a `files` glob that names the dot
// (".env", "config/.*") brings it in. Editor backups (name~, #name#: copies that
// may hold what the user since deleted) never enter. .faasoignore (gitignore
// syntax) leaves out anything else, and wins over `files`.
import ignore from 'ignore';
import { globMatcher, GlobSyntaxError, type GlobMatcher } from '../util/glob.ts';

export const IGNORE_FILE = '.faasoignore';

/** A path with a segment starting with ".": a dotfile, or a file under a dot folder. */
export const isDotPath = (rel: string): boolean => rel.split('/').some((s) => s.startsWith('.'));

/** An editor's backup (name~) or autosave (#name#) file. */
export const isEditorBackup = (rel: string): boolean => {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return base.endsWith('~') || (base.length > 1 && base.startsWith('#') && base.endsWith('#'));
};

export interface ContextFilter {
  /** Left out by .faasoignore. */
  ignored(rel: string): boolean;
  /** May enter the build context: not ignored, no editor backup, and no dotfile unless a `files` glob names it. */
  enters(rel: string): boolean;
}

/** Globs that compile; a malformed one is the validator's to report, and selects nothing here. */
function matchers(globs: readonly unknown[]): GlobMatcher[] {
  return globs.flatMap((g) => {
    if (typeof g !== 'string') return [];
    try {
      return [globMatcher(g)];
    } catch (err) {
      if (err instanceof GlobSyntaxError) return [];
      throw err;
    }
  });
}

export function contextFilter(globs: readonly unknown[], ignoreLines: readonly string[]): ContextFilter {
  const ig = ignore().add([...ignoreLines]);
  const listed = matchers(globs);
  const ignored = (rel: string): boolean => ig.ignores(rel);
  return {
    ignored,
    enters: (rel) => !ignored(rel) && !isEditorBackup(rel) && (!isDotPath(rel) || listed.some((m) => m.test(rel))),
  };
}

/** The lines of a .faasoignore file (the ignore package reads comments, blanks and escapes itself). */
export const ignoreLines = (text: string): string[] => text.split(/\r?\n/);
