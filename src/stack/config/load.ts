// The I/O edge of faaso.yml: read it from the project root, list the functions,
// and hand everything to the pure validator (config-validate.ts).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError, ValidationError } from '../../errors.ts';
import { listFunctionNames } from '../../function/load.ts';
import { DEFAULT_REGISTRY } from '../../settings.ts';
import { readTextCapped } from '../../util/read-text.ts';
import { yamlProblems } from '../../util/yaml.ts';
import { STACK_FILE } from './rules.ts';
import { validateStackConfig } from './validate.ts';
import type { FileFact } from './tls-files.ts';
import type { StackConfig, Target } from '../types.ts';

export { STACK_FILE } from './rules.ts';
export { validateStackConfig, type StackContext } from './validate.ts';

export interface LoadStackOptions {
  /** Registry when faaso.yml names none; pass Settings.registry (FAASO_REGISTRY). Default 127.0.0.1:5000. */
  registry?: string;
  /** Host ports owned by something else, port → who. */
  reservedPorts?: ReadonlyMap<number, string>;
  /** Default: the functions under ROOT/functions/. */
  functions?: readonly string[];
  /** Default: this machine's CPU count. */
  hostCpus?: number;
  /** faaso.yml's text as it is about to be written (scale checks an edit before saving it); default: the file. */
  text?: string;
}

/** A faaso.yml to start from, routing the project's own functions. */
export function exampleStackFile(functions: readonly string[]): string {
  const names = functions.length > 0 ? functions.slice(0, 3) : ['sum'];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = names.map((n) => `  ${`/${n}:`.padEnd(width)} ${n}`);
  return `# yaml-language-server: $schema=./schemas/faaso.schema.json\nroutes:\n${lines.join('\n')}\n`;
}

/** Reads and validates ROOT/faaso.yml: a StackConfig, or a UserError/ValidationError naming every problem. */
export async function loadStackConfig(root: string, opts: LoadStackOptions = {}): Promise<StackConfig> {
  const functions = opts.functions ?? (await listFunctionNames(root));
  const text = opts.text ?? (await readStackFile(root, functions));
  const parsed = yamlProblems(text, STACK_FILE);
  if ('problems' in parsed) throw new ValidationError(parsed.problems);
  const result = validateStackConfig(parsed.value, {
    file: STACK_FILE,
    functions,
    registry: opts.registry ?? DEFAULT_REGISTRY,
    reservedPorts: opts.reservedPorts,
    hostCpus: opts.hostCpus ?? os.availableParallelism(),
    tlsFiles: await readTlsFiles(root, parsed.value),
    now: Date.now(),
  });
  if (!result.config)
    throw new ValidationError(result.problems, 'every field is explained in schemas/faaso.schema.json');
  return result.config;
}

/** A PEM certificate or key is a few KiB; anything this big is another file. */
const TLS_FILE_MAX = 1024 * 1024;

/** What is at each path proxy.tls.cert and key name (relative to ROOT), for the pure checks of tls-files.ts. */
async function readTlsFiles(root: string, raw: unknown): Promise<Map<string, FileFact>> {
  const tls = (raw as { proxy?: { tls?: Record<string, unknown> } } | null)?.proxy?.tls;
  const named = tls && typeof tls === 'object' ? [tls.cert, tls.key] : [];
  const facts = new Map<string, FileFact>();
  for (const rel of named) {
    if (typeof rel !== 'string' || rel === '' || facts.has(rel)) continue;
    const file = path.resolve(root, rel);
    try {
      const st = await fs.stat(file);
      if (st.isDirectory()) facts.set(rel, { error: 'EISDIR' });
      else if (st.size > TLS_FILE_MAX) facts.set(rel, { error: 'EFBIG' });
      else facts.set(rel, { text: await fs.readFile(file, 'utf8'), uid: st.uid, gid: st.gid, mode: st.mode });
    } catch (err) {
      facts.set(rel, { error: (err as NodeJS.ErrnoException).code ?? 'EIO' });
    }
  }
  return facts;
}

/** ROOT/faaso.yml's text, or a UserError saying how to start one. */
export async function readStackFile(root: string, functions: readonly string[]): Promise<string> {
  const file = path.join(root, STACK_FILE);
  try {
    const read = await readTextCapped(file, STACK_FILE);
    if ('problem' in read) throw new ValidationError([read.problem]);
    return read.text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(
        `no ${STACK_FILE} in ${root}: faaso does not know which paths to serve`,
        `create ${STACK_FILE} there, e.g.:\n\n${exampleStackFile(functions)}\n(every key is explained in schemas/faaso.schema.json)`,
      );
    }
    if (code === 'EISDIR') throw new UserError(`${file} is a folder`, `${STACK_FILE} must be a YAML file`);
    throw err;
  }
}

/**
 * Only faaso.yml's `target`, for the commands that must work even when the rest
 * of the file does not validate (down, logs, watch): compose unless it parses
 * and says swarm.
 */
export async function readStackTarget(root: string): Promise<Target> {
  const read = await readTextCapped(path.join(root, STACK_FILE), STACK_FILE).catch(() => ({ text: '' }));
  const parsed = yamlProblems('text' in read ? read.text : '', STACK_FILE);
  if ('problems' in parsed) return 'compose';
  const raw = parsed.value as { target?: unknown } | null;
  return raw && typeof raw === 'object' && raw.target === 'swarm' ? 'swarm' : 'compose';
}
