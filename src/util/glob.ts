// A small glob matcher for relative posix paths (node 20 has no stable fs.glob).
// Globs select from file lists we collected ourselves, so matching is pure.
// Not picomatch (nor tinyglobby or micromatch, which use it): it compiles a glob
// to a backtracking regex, so a hostile `files:` glob hangs faaso (see
// stepMatcher and the glob unit test); this matcher's time stays polynomial.
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

function classRe(node: Extract<Node, { t: 'class' }>, glob: string): RegExp {
  // Keep "a-z" ranges; escape everything else that is special inside [...].
  const body = node.body.replace(/[\\\]^[]/g, '\\$&');
  try {
    return new RegExp(`^[${node.negate ? '^' : ''}${body}]$`, 'u');
  } catch {
    throw new GlobSyntaxError(`invalid character class ${node.raw} in ${JSON.stringify(glob)}`);
  }
}

/** Something that says whether a relative posix path matches. */
export interface GlobMatcher {
  test(path: string): boolean;
}

/** A brace-free glob as steps: literal runs (by code point), wildcards and classes. */
type Step =
  { t: 'lit'; cps: string[] } | { t: 'star' | 'any' } | { t: 'globstar'; slash: boolean } | { t: 'class'; re: RegExp };

function toSteps(nodes: Node[], glob: string): { steps: Step[]; atStart: boolean[] } {
  const steps: Step[] = [];
  const atStart: boolean[] = [];
  let at = true;
  let lit = '';
  const flush = (): void => {
    if (lit === '') return;
    steps.push({ t: 'lit', cps: Array.from(lit) });
    atStart.push(at);
    at = lit.endsWith('/');
    lit = '';
  };
  for (const node of nodes) {
    if (node.t === 'lit') {
      lit += node.s;
      continue;
    }
    flush();
    if (node.t === 'alt') throw new GlobSyntaxError(`unexpanded braces in ${JSON.stringify(glob)}`);
    steps.push(
      node.t === 'class'
        ? { t: 'class', re: classRe(node, glob) }
        : node.t === 'globstar'
          ? { t: 'globstar', slash: node.slash }
          : { t: node.t },
    );
    atStart.push(at);
    at = node.t === 'globstar' && node.slash;
  }
  flush();
  return { steps, atStart };
}

/**
 * Matches a brace-free glob by dynamic programming over (step, position), so
 * the time is polynomial in the lengths whatever the glob: a regex of several
 * "*" in one segment backtracks exponentially ("*a*a*a*a*a*a*a*a*b" against a
 * long name of "a"s never finished), and a glob comes from a user's file.
 * "*", "?" and "**" never match a "." starting a segment unless `dot`.
 */
function stepMatcher(nodes: Node[], dot: boolean, glob: string): (path: string) => boolean {
  const { steps, atStart } = toSteps(nodes, glob);
  return (path) => {
    const chars = Array.from(path);
    const n = chars.length;
    const memo = new Int8Array((steps.length + 1) * (n + 1)); // 0 unknown, 1 yes, 2 no
    const hidden = (i: number, j: number): boolean => atStart[i]! && !dot && chars[j] === '.';
    const go = (i: number, j: number): boolean => {
      if (i === steps.length) return j === n;
      const key = i * (n + 1) + j;
      if (memo[key] !== 0) return memo[key] === 1;
      const ok = step(i, j);
      memo[key] = ok ? 1 : 2;
      return ok;
    };
    const step = (i: number, j: number): boolean => {
      const s = steps[i]!;
      switch (s.t) {
        case 'lit':
          return s.cps.every((c, k) => chars[j + k] === c) && go(i + 1, j + s.cps.length);
        case 'any':
          return j < n && chars[j] !== '/' && !hidden(i, j) && go(i + 1, j + 1);
        case 'class':
          return j < n && chars[j] !== '/' && s.re.test(chars[j]!) && go(i + 1, j + 1);
        case 'star':
          if (hidden(i, j)) return false;
          for (let k = j; ; k++) {
            if (go(i + 1, k)) return true;
            if (k >= n || chars[k] === '/') return false;
          }
        case 'globstar':
          // "**/": zero or more whole segments, each with its "/"; a trailing "**": one or more.
          for (let p = j; ;) {
            if (s.slash && go(i + 1, p)) return true;
            if (p >= n || (!dot && chars[p] === '.')) return false;
            let q = p;
            while (q < n && chars[q] !== '/') q++;
            if (q === p) return false;
            if (!s.slash && go(i + 1, q)) return true;
            if (q >= n) return false;
            p = q + 1;
          }
      }
    };
    return go(0, 0);
  };
}

/** The matcher for a glob (with options); throws GlobSyntaxError when malformed. */
export function compileGlob(glob: string, opts: GlobOptions = {}): GlobMatcher {
  // Expanding braces first gives "{*.js,lib/**}" the same meaning as two globs
  // (so "**" inside braces is still a globstar), as in bash.
  const alternatives = expandBraces(glob).map((g) => stepMatcher(parse(g), opts.dot ?? false, glob));
  return { test: (path) => alternatives.some((m) => m(path)) };
}

/** The matcher for a glob with default options (usable as `globs.map(globMatcher)`). */
export function globMatcher(glob: string): GlobMatcher {
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
