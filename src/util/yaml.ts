// YAML text -> plain JS, with every failure turned into a ValidationError that
// names the file and the line/column. Pure: callers read the file and pass text.
import { isScalar, LineCounter, parseAllDocuments } from 'yaml';
import { ValidationError, type Problem } from '../errors.ts';

/**
 * Parses one YAML document. Duplicate keys are errors (yaml's uniqueKeys
 * default) because the last one silently winning hides typos; several
 * documents (`---`) are errors because only the first would be read.
 * An empty (or comments-only) file is an error too.
 */
export function parseYaml(text: string, file: string): unknown {
  const problems = yamlProblems(text, file);
  if ('problems' in problems) throw new ValidationError(problems.problems);
  return problems.value;
}

/** yaml's message, except for its stack overflow on lists or mappings nested hundreds deep. */
function yamlMessage(err: Error): string {
  if (/Maximum call stack size exceeded/.test(err.message))
    return 'lists or mappings nested too deeply (more than a few hundred levels)';
  return err.message;
}

/** Same as parseYaml but returns problems instead of throwing. */
export function yamlProblems(text: string, file: string): { value: unknown } | { problems: Problem[] } {
  const lineCounter = new LineCounter();
  // prettyErrors: false keeps yaml's message free of its own "at line" suffix
  // and code frame; we add the position ourselves. logLevel 'error' stops yaml
  // from printing process warnings (e.g. about collection keys) to stderr.
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter, uniqueKeys: true, logLevel: 'error' });
  if (!Array.isArray(docs) || docs.length === 0) return { problems: [{ file, field: '', message: 'file is empty' }] };
  const at = (offset: number | undefined): string => {
    if (offset === undefined || offset < 0) return '';
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}: `;
  };
  const problems: Problem[] = [];
  for (const doc of docs) {
    for (const err of doc.errors) problems.push({ file, field: '', message: `${at(err.pos[0])}${yamlMessage(err)}` });
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    const start = second.range[0];
    problems.push({
      file,
      field: '',
      message: `${at(start)}found ${docs.length} YAML documents; a faaso file holds exactly one (remove the "---" separator)`,
    });
  }
  if (problems.length > 0) return { problems };
  const doc = docs[0]!;
  // "---" alone yields an empty null scalar (source ""), unlike an explicit "null".
  const c = doc.contents;
  if (c === null || (isScalar(c) && c.value === null && c.source === ''))
    return { problems: [{ file, field: '', message: 'file is empty' }] };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    // toJS throws for unresolved aliases and alias bombs ("billion laughs").
    return { problems: [{ file, field: '', message: (err as Error).message }] };
  }
}
