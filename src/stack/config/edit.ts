// Edits to faaso.yml made by commands (`scale`), pure: text in, text out. The
// edit touches the smallest piece of text it can (the number, or one inserted
// line), so the user's comments, order, spacing and quoting stay exactly as
// they were; faaso.yml stays the one source of truth a person reads and edits.
// Every result is parsed back and checked to mean what was asked and nothing
// else; where a text edit cannot be made safely, yaml's document model writes
// the file instead (same data and comments, layout normalised).
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, parse, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../../errors.ts';
import { STACK_FILE } from './rules.ts';

const fixFirst = `fix ${STACK_FILE} first`;

const isNull = (n: unknown): boolean => n === undefined || n === null || (isScalar(n) && n.value === null);

/** Column of the first key of a block mapping, from its source range. */
function indentOf(text: string, map: YAMLMap): number {
  const first = map.items[0]?.key as Node | undefined;
  const start = first?.range?.[0];
  if (start === undefined) return -1;
  return start - (text.lastIndexOf('\n', start - 1) + 1);
}

/** End of the line holding `offset` (the index of its newline, or the text's end). */
const lineEnd = (text: string, offset: number): number => {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl;
};

/** Inserts `line` (already indented) after the last item of a block mapping. */
function appendToBlockMap(text: string, map: YAMLMap, line: string): string | null {
  const last = map.items.at(-1);
  const end = (last?.value as Node | undefined)?.range?.[1] ?? (last?.key as Node | undefined)?.range?.[1];
  if (end === undefined) return null;
  // After the last value's line, so a trailing comment on it stays where it was.
  const at = lineEnd(text, Math.max(end - 1, 0));
  return `${text.slice(0, at)}\n${line}${text.slice(at)}`;
}

function textEdit(text: string, doc: Document, fn: string, replicas: number): string | null {
  const root = doc.contents;
  if (!isMap(root)) return null;
  const functions = root.get('functions', true);
  if (isNull(functions)) {
    if (functions !== undefined) return null; // `functions:` with nothing under it: let the model write it
    const sep = text.endsWith('\n') || text === '' ? '' : '\n';
    return `${text}${sep}functions:\n  ${fn}:\n    replicas: ${replicas}\n`;
  }
  if (!isMap(functions) || functions.flow) return null;
  const settings = functions.get(fn, true);
  const indent = indentOf(text, functions);
  if (indent < 0) return null;
  if (isNull(settings)) {
    if (settings !== undefined) return null;
    return appendToBlockMap(
      text,
      functions,
      `${' '.repeat(indent)}${fn}:\n${' '.repeat(indent * 2)}replicas: ${replicas}`,
    );
  }
  if (!isMap(settings)) return null;
  const current = settings.get('replicas', true);
  if (isScalar(current) && current.range) {
    const [start, end] = current.range;
    return `${text.slice(0, start)}${replicas}${text.slice(end)}`;
  }
  if (current !== undefined) return null;
  if (settings.flow) {
    const close = settings.range ? text.lastIndexOf('}', settings.range[1]) : -1;
    if (close < 0) return null;
    const empty = settings.items.length === 0;
    return `${text.slice(0, close).replace(/\s*$/, '')}${empty ? '' : ','} replicas: ${replicas}${empty ? '' : ' '}${text.slice(close)}`;
  }
  const inner = indentOf(text, settings);
  if (inner < 0) return null;
  return appendToBlockMap(text, settings, `${' '.repeat(inner)}replicas: ${replicas}`);
}

/** faaso.yml with `functions.NAME.replicas` set, everything else as it was. */
export function setReplicas(text: string, fn: string, replicas: number): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new UserError(`${STACK_FILE}: ${doc.errors[0]!.message}`, fixFirst);
  const before = doc.toJS() as Record<string, unknown> | null;
  if (!isMap(doc.contents) || before === null || typeof before !== 'object' || Array.isArray(before)) {
    throw new UserError(`${STACK_FILE}: must be a mapping of fields`, fixFirst);
  }
  const functions = before.functions;
  if (functions !== undefined && functions !== null && (typeof functions !== 'object' || Array.isArray(functions))) {
    throw new UserError(`${STACK_FILE}: functions: must be a mapping of function name → settings`, fixFirst);
  }
  const settings = (functions as Record<string, unknown> | null | undefined)?.[fn];
  if (settings !== undefined && settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
    throw new UserError(`${STACK_FILE}: functions.${fn}: must be a mapping of settings`, fixFirst);
  }
  const expected = {
    ...before,
    functions: { ...(functions as object | null), [fn]: { ...(settings as object | null), replicas } },
  };
  const edited = textEdit(text, doc, fn, replicas);
  if (edited !== null && isDeepStrictEqual(parse(edited), expected)) return edited;
  if (isNull(doc.get('functions', true))) doc.set('functions', doc.createNode({ [fn]: { replicas } }));
  else if (isNull(doc.getIn(['functions', fn], true))) doc.setIn(['functions', fn], doc.createNode({ replicas }));
  else doc.setIn(['functions', fn, 'replicas'], replicas);
  return doc.toString();
}
