// YAML out of the renderers (compose and Swarm stack files), written so that a
// YAML 1.1 reader (compose v1, PyYAML) and a YAML 1.2 reader (compose v2, the
// docker CLI) read the same values. A small emitter for plain data (objects,
// arrays, strings, numbers, booleans, null): the yaml package's Document model
// took three quarters of planning and rendering a large stack, and this output
// is a fixed, narrow subset of YAML (tests read it back with both YAML versions).

/** Plain scalars PyYAML (YAML 1.1) would not read back as the same string. */
const YAML11_SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;

/** Keys left plain: identifiers, label keys (faaso.role), option names (max-size), paths. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

// JSON's string syntax is YAML's double-quoted syntax, but for characters YAML
// does not allow unescaped there (DEL, C1 controls) or that YAML 1.1 reads as line
// breaks (NEL, U+2028, U+2029), and the byte-order mark.
const NOT_YAML_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

function quote(s: string): string {
  return JSON.stringify(s).replace(NOT_YAML_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const key = (k: string): string => (PLAIN_KEY.test(k) && !YAML11_SPECIAL.test(k) ? k : quote(k));

function scalar(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`toYaml: ${v} has no YAML form both versions read alike`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  throw new Error(`toYaml: cannot write a ${typeof v}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCollection = (v: unknown): boolean => isObject(v) || Array.isArray(v);

/** A value after "key:" or "- ": inline when it is a scalar or an empty/flow collection. */
function inline(v: unknown): string | null {
  if (Array.isArray(v)) return v.some(isCollection) ? (v.length === 0 ? '[]' : null) : `[${v.map(scalar).join(', ')}]`;
  if (isObject(v)) return Object.keys(v).length === 0 ? '{}' : null;
  return scalar(v);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const flat = inline(item);
      if (flat !== null) out.push(`${indent}- ${flat}`);
      else {
        // The item's first line goes after "- ", the rest aligned under it.
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
      }
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
    if (item === undefined) continue;
    const flat = inline(item);
    if (flat !== null) out.push(`${indent}${key(k)}: ${flat}`);
    else {
      out.push(`${indent}${key(k)}:`);
      emit(item, `${indent}  `, out);
    }
  }
}

/**
 * Every string value is double-quoted (so "yes", "0755" or "1:30" stay strings
 * under YAML 1.1 too); keys stay plain unless YAML 1.1 would misread them (an
 * env var named ON) or they hold other characters; lists of scalars are written
 * on one line, lists of maps as blocks.
 */
export function toYaml(value: Record<string, unknown>): string {
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}
