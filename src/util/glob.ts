// A small glob matcher for relative posix paths (node 20 has no stable fs.glob).
// Globs select from file lists we collected ourselves, so matching is pure.
//   *      any run of characters except "/"
//   **     as a whole path segment: zero or more segments ("a/**" = everything under a/)
//   ?      one character except "/"
//   [...]  one character from a class ("[!...]"/"[^...]" negates); never "/"
//   {a,b}  alternatives, nestable
// Like shells, "*", "?" and "**" do not match a leading "." in a segment unless
// `dot: true`, so "**" never ships .env or .git by accident.

export class GlobSyntaxError extends Error {
  override name = 'GlobSyntaxError';
}

export interface GlobOptions {
  /** Let wildcards match names starting with "." (default false). */
  dot?: boolean;
}

type Node =
  | { t: 'lit'; s: string }
  | { t: 'star'; raw: string }
  | { t: 'globstar'; slash: boolean }
  | { t: 'any' }
  | { t: 'class'; raw: string; negate: boolean; body: string }
  | { t: 'alt'; options: Node[][] };

/** Parses a glob into nodes; throws GlobSyntaxError on unclosed "[" or "{". */
function parse(glob: string): Node[] {
  let i = 0;
  const seq = (depth: number): Node[] => {
    const nodes: Node[] = [];
    while (i < glob.length) {
      const c = glob[i]!;
      if (depth > 0 && (c === ',' || c === '}')) break;
      if (c === '*') {
        const start = i;
        while (glob[i] === '*') i++;
        const whole = depth === 0 && (start === 0 || glob[start - 1] === '/') && (i === glob.length || glob[i] === '/');
        if (i - start >= 2 && whole) {
          const slash = glob[i] === '/';
          if (slash) i++;
          nodes.push({ t: 'globstar', slash });
        } else nodes.push({ t: 'star', raw: glob.slice(start, i) });
      } else if (c === '?') {
        nodes.push({ t: 'any' });
        i++;
      } else if (c === '[') {
        nodes.push(parseClass());
      } else if (c === '{') {
        i++;
        const options = [seq(depth + 1)];
        while (glob[i] === ',') {
          i++;
          options.push(seq(depth + 1));
        }
        if (glob[i] !== '}') throw new GlobSyntaxError(`unclosed "{" in ${JSON.stringify(glob)}`);
        i++;
        nodes.push({ t: 'alt', options });
      } else if (c === '\\' && i + 1 < glob.length) {
        nodes.push({ t: 'lit', s: glob[i + 1]! });
        i += 2;
      } else {
        nodes.push({ t: 'lit', s: c });
        i++;
      }
    }
    return nodes;
  };
  const parseClass = (): Node => {
    const open = i;
    let j = i + 1;
    const negate = glob[j] === '!' || glob[j] === '^';
    if (negate) j++;
    const bodyStart = j;
    if (glob[j] === ']') j++; // a "]" first in the class is literal
    while (j < glob.length && glob[j] !== ']') j++;
    if (j >= glob.length) throw new GlobSyntaxError(`unclosed "[" in ${JSON.stringify(glob)}`);
    i = j + 1;
    return { t: 'class', raw: glob.slice(open, i), negate, body: glob.slice(bodyStart, j) };
  };
  const nodes = seq(0);
  if (i < glob.length) throw new GlobSyntaxError(`unexpected ${JSON.stringify(glob[i])} in ${JSON.stringify(glob)}`);
  return nodes;
}

// Regex-special characters (valid as escapes in unicode mode; "-" is not, and needs none).
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function classRe(node: Extract<Node, { t: 'class' }>, glob: string): string {
  // Keep "a-z" ranges; escape everything else that is special inside [...].
  const body = node.body.replace(/[\\\]^[]/g, '\\$&');
  const re = `(?!/)[${node.negate ? '^' : ''}${body}]`;
  try {
    new RegExp(re, 'u');
  } catch {
    throw new GlobSyntaxError(`invalid character class ${node.raw} in ${JSON.stringify(glob)}`);
  }
  return re;
}

/** Compiles brace-free nodes; `atStart` = at the start of a path segment. */
function compile(nodes: Node[], atStart: boolean, dot: boolean, glob: string): string {
  const noDot = (at: boolean): string => (at && !dot ? '(?!\\.)' : '');
  const segment = `${dot ? '' : '(?!\\.)'}[^/]+`;
  let re = '';
  for (const node of nodes) {
    switch (node.t) {
      case 'lit':
        re += escapeRe(node.s);
        atStart = node.s === '/';
        break;
      case 'star':
        re += `${noDot(atStart)}[^/]*`;
        atStart = false;
        break;
      case 'any':
        re += `${noDot(atStart)}[^/]`;
        atStart = false;
        break;
      case 'globstar':
        // "**/" = zero or more whole segments; a trailing "**" = at least one.
        re += node.slash ? `(?:${segment}/)*` : `(?:${segment}/)*${segment}`;
        atStart = node.slash;
        break;
      case 'class':
        re += classRe(node, glob);
        atStart = false;
        break;
      case 'alt':
        // Unreachable: braces are expanded before compiling.
        throw new GlobSyntaxError(`unexpanded braces in ${JSON.stringify(glob)}`);
    }
  }
  return re;
}

/** The anchored RegExp for a glob (with options); throws GlobSyntaxError when malformed. */
export function compileGlob(glob: string, opts: GlobOptions = {}): RegExp {
  // Expanding braces first gives "{*.js,lib/**}" the same meaning as two globs
  // (so "**" inside braces is still a globstar), as in bash.
  const alternatives = expandBraces(glob).map((g) => compile(parse(g), true, opts.dot ?? false, glob));
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'u');
}

/** The anchored RegExp for a glob with default options (usable as `globs.map(globToRegExp)`). */
export function globToRegExp(glob: string): RegExp {
  return compileGlob(glob);
}

/** Whether a relative posix path matches a glob. */
export function matchesGlob(glob: string, path: string, opts: GlobOptions = {}): boolean {
  return compileGlob(glob, opts).test(path);
}

/** The paths matching any of the globs, sorted. */
export function filterByGlobs(paths: readonly string[], globs: readonly string[], opts: GlobOptions = {}): string[] {
  const res = globs.map((g) => compileGlob(g, opts));
  return paths.filter((p) => res.some((re) => re.test(p))).sort();
}

/**
 * The brace expansion of a glob ("{a,b}/x" -> ["a/x", "b/x"]), for checks that
 * must see every alternative (e.g. no ".." segment hides inside braces).
 * Throws GlobSyntaxError when malformed or when it would exceed `limit` strings.
 */
export function expandBraces(glob: string, limit = 256): string[] {
  const raw = (n: Node): string[] => {
    switch (n.t) {
      case 'lit':
        return [/[*?[\]{},\\]/.test(n.s) ? `\\${n.s}` : n.s];
      case 'star':
        return [n.raw];
      case 'any':
        return ['?'];
      case 'globstar':
        return [n.slash ? '**/' : '**'];
      case 'class':
        return [n.raw];
      case 'alt':
        return n.options.flatMap((o) => expand(o));
    }
  };
  const expand = (nodes: Node[]): string[] => {
    let out = [''];
    for (const n of nodes) {
      const alts = raw(n);
      out = out.flatMap((prefix) => alts.map((a) => prefix + a));
      if (out.length > limit)
        throw new GlobSyntaxError(`${JSON.stringify(glob)} expands to more than ${limit} alternatives`);
    }
    return out;
  };
  return [...new Set(expand(parse(glob)))];
}
