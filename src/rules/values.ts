// The value rules shared by function.yml, template.yml and
// schemas/function.schema.json (a unit test keeps the schema's patterns equal
// to these). Everything here ends up in a Dockerfile, an argv or a file copy,
// so the rules are allow-lists, not deny-lists.
import { CONTROL_CHARS, tooLong } from '../util/fields.ts';
import { expandBraces, GlobSyntaxError } from '../util/glob.ts';

/** Function and runtime names: RFC 1123 DNS labels (they become image names and hostnames). */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A Debian package name (policy 5.6.7: lower-case, >= 2 chars, starts with a
 * letter or digit), optionally pinned as `name=version`. Versions start with a
 * digit (policy 5.6.12), so no "~" or "-" can ever follow the "=". Nothing here
 * is special to a shell or a Dockerfile. apt-get reads an argument ending in "-"
 * as "remove" (and one ending in "+" as "install" once no package has that exact
 * name), so neither a name nor a pinned version may end in "-", nor a version in
 * "+"; names ending in "+" are real (g++) and rendered so that apt reads them
 * exactly (render.ts aptPackageArg). Regex and glob readings are switched off in
 * the templates' apt-get lines (APT::Cmd::Pattern-Only).
 */
export const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]*[a-z0-9+.](=[0-9]([A-Za-z0-9.+~:-]*[A-Za-z0-9.~])?)?$/;

/** Environment variable names (POSIX shell style). */
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * PORT belongs to the server scaffold: every image must listen on 3000, and a
 * function setting PORT would silently move it. FAASO_* is kept for faaso itself.
 */
export const RESERVED_ENV_KEYS: readonly string[] = ['PORT'];
export const RESERVED_ENV_PREFIX = 'FAASO_';

export const HTTP_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** HTTP header names are RFC 9110 tokens. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Request headers the test runner computes from the body; setting them would corrupt the request. */
export const FORBIDDEN_REQUEST_HEADERS: readonly string[] = ['content-length', 'transfer-encoding'];

/**
 * Hop-by-hop request headers (RFC 9110 7.6.1, plus the legacy keep-alive and
 * proxy-connection): they concern one connection, not the request, and the
 * test client (Node's fetch) refuses connection, expect, keep-alive and upgrade
 * outright. A proxy drops them anyway, so a test must not depend on them.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'expect',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
];

/** Methods whose requests cannot carry a body (fetch refuses to send one). */
export const BODILESS_METHODS: readonly string[] = ['GET', 'HEAD'];

/** Characters a glob may use: portable file-name characters plus glob syntax. */
export const GLOB_CHARS = /^[A-Za-z0-9._*?/@+\-[\]{},]+$/;

/** A plain relative file path (no glob syntax), e.g. a template's handler. */
export const RELATIVE_PATH = /^[A-Za-z0-9._@+-]+(\/[A-Za-z0-9._@+-]+)*$/;

/**
 * Longest body of a test request or expectation (text, or JSON as sent), in
 * characters: far more than a test needs; a YAML alias repeated a hundred
 * times must not become gigabytes of requests.
 */
export const TEST_BODY_MAX = 1_000_000;
/**
 * Longest test request path or header value, in characters: what python's
 * http.server still reads on one line (65536), so a test can still provoke any
 * runtime's 414 or 431.
 */
export const REQUEST_LINE_MAX = 65536;

/**
 * Test request paths: "/" then printable ASCII without spaces and "#" (fragments
 * are never sent); not "//", which URL parsers read as another host.
 */
export const REQUEST_PATH = /^\/(?!\/)[\x21\x22\x24-\x7e]*$/;

/** Why a value is not a valid package name, or undefined when it is. */
export function packageProblem(v: string): string | undefined {
  if (DEBIAN_PACKAGE.test(v)) return undefined;
  if (/[-+]$/.test(v) && DEBIAN_PACKAGE.test(v.slice(0, -1))) {
    const reads = v.endsWith('-') ? '"remove this package"' : '"install", not as part of the version';
    return `invalid Debian package name ${JSON.stringify(v)}: apt-get reads a trailing "${v.slice(-1)}" as ${reads}; remove it`;
  }
  return (
    `invalid Debian package name ${JSON.stringify(v)} ` +
    '(lower-case letters, digits and + . -, starting with a letter or digit; pin a version with "name=1.2-3")'
  );
}

/** Why a path segment list is unsafe, or undefined. Shared by globs and plain paths. */
function segmentProblem(path: string): string | undefined {
  const segments = path.split('/');
  if (segments[0] === '') return 'must be relative (absolute paths are not allowed)';
  if (segments.includes('..')) return 'must not contain ".." (only files inside the folder can be used)';
  if (segments.includes('.')) return 'must not contain "." segments (write "data/x.json", not "./data/x.json")';
  if (segments[segments.length - 1] === '') return 'must not end with "/" (to select a whole folder write "data/**")';
  if (segments.includes('')) return 'must not contain "//"';
  return undefined;
}

/** Why a glob is unsafe or malformed, or undefined. `forbidden` lists files it must not name. */
export function globProblem(glob: string, forbidden: readonly string[] = []): string | undefined {
  const bad = (why: string): string => `invalid glob ${JSON.stringify(glob)}: ${why}`;
  if (glob === '') return bad('must not be empty');
  if (CONTROL_CHARS.test(glob)) return bad('must not contain control characters');
  if (glob.includes('\\')) return bad('use "/" as the path separator, not "\\"');
  if (glob.startsWith('/')) return bad('must be relative (absolute paths are not allowed)');
  if (glob.startsWith('-')) return bad('must not start with "-"');
  const odd = [...glob].find((ch) => !GLOB_CHARS.test(ch));
  if (odd !== undefined) {
    return bad(
      `must not contain ${JSON.stringify(odd)} (allowed: letters, digits, . _ - @ + / and the glob characters * ? [ ] { } ,)`,
    );
  }
  let expansions: string[];
  try {
    expansions = expandBraces(glob);
  } catch (err) {
    if (err instanceof GlobSyntaxError) return bad(err.message.replace(` in ${JSON.stringify(glob)}`, ''));
    throw err;
  }
  for (const e of expansions) {
    const why = segmentProblem(e);
    if (why) return bad(why);
    if (forbidden.includes(e)) return bad(`must not name ${e}`);
  }
  return undefined;
}

/** Why a plain relative path (no wildcards) is unsafe, or undefined. */
export function relativePathProblem(path: string): string | undefined {
  const bad = (why: string): string => `invalid path ${JSON.stringify(path)}: ${why}`;
  if (path === '') return bad('must not be empty');
  if (path.startsWith('/')) return bad('must be relative (absolute paths are not allowed)');
  if (path.startsWith('-')) return bad('must not start with "-"');
  if (!RELATIVE_PATH.test(path)) return bad('may only use letters, digits, . _ - @ + and "/" between names');
  const why = segmentProblem(path);
  return why ? bad(why) : undefined;
}

/**
 * Longest env value, in characters. Linux refuses to start a process with one
 * NAME=value string over 128 KiB (MAX_ARG_STRLEN); 16384 characters stay under
 * it in any encoding.
 */
export const ENV_VALUE_MAX = 16384;
/**
 * All of one function's variables together (NAME=value each), in characters:
 * the whole environment and arguments of a process share about 2 MiB.
 */
export const ENV_TOTAL_MAX = 131072;

/** Why an env value (text) cannot be used, or undefined. */
export function envValueProblem(value: string): string | undefined {
  // A line break or NUL would end the Dockerfile's ENV line early.
  if (CONTROL_CHARS.test(value))
    return `must not contain line breaks or control characters (got ${JSON.stringify(value)})`;
  if (value.length > ENV_VALUE_MAX) return `${tooLong(value, ENV_VALUE_MAX)}; ship larger data as a file`;
  return undefined;
}

/** Why an env key is invalid or reserved, or undefined. */
export function envKeyProblem(key: string): string | undefined {
  if (!ENV_KEY.test(key))
    return `invalid variable name ${JSON.stringify(key)} (letters, digits and _, not starting with a digit)`;
  if (RESERVED_ENV_KEYS.includes(key)) return `${key} is reserved (the server always listens on port 3000)`;
  if (key.startsWith(RESERVED_ENV_PREFIX)) return `names starting with ${RESERVED_ENV_PREFIX} are reserved for faaso`;
  return undefined;
}
