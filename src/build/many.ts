// Builds several functions at once through the bounded pool. Each build's lines
// carry its name while several share the terminal; the caller gets every
// outcome back in the order it asked for, whatever finished first.
import type { FunctionSpec } from '../function/types.ts';
import type { TemplateMeta } from '../template/types.ts';
import type { Settings } from '../settings.ts';
import { UserError } from '../errors.ts';
import { prefixLines } from '../exec/lines.ts';
import { buildFunction, prefetch, summaryLine, type BuildOptions, type BuildResult, type Prefetched } from './build.ts';
import { runPool, type Settled } from '../util/pool.ts';

type Log = (line: string) => void;

export interface ManyOutcome {
  name: string;
  result: Settled<BuildResult>;
}

/** "sum      | " for each name, padded to the longest so columns line up (pure). */
export function linePrefixes(names: readonly string[]): Map<string, string> {
  const width = Math.max(0, ...names.map((n) => n.length));
  return new Map(names.map((n) => [n, `${n.padEnd(width)} | `]));
}

export async function buildMany(
  specs: readonly FunctionSpec[],
  templates: ReadonlyMap<string, TemplateMeta>,
  settings: Settings,
  opts: BuildOptions,
  jobs: number,
  log: Log,
  /** prefetch()'s answer when the caller has it already (build asks it first: it is the engine check). */
  prefetched?: Settled<Prefetched>[] | null,
): Promise<ManyOutcome[]> {
  // One build at a time writes like a single build: no prefixes to read past.
  const prefixes = jobs > 1 && specs.length > 1 ? linePrefixes(specs.map((s) => s.name)) : null;
  const known = opts.noCache ? null : (prefetched ?? (await prefetch(specs, templates, settings, jobs)));
  const results = await runPool(specs, jobs, async (spec, i) => {
    const prefix = prefixes?.get(spec.name);
    const own: Log = prefix === undefined ? log : (line) => log(prefixLines(prefix, line));
    const started = Date.now();
    try {
      const pre = known?.[i];
      if (pre && !pre.ok) throw pre.error;
      return await buildFunction(spec, templates.get(spec.runtime)!, settings, { ...opts, prefix }, own, pre?.value);
    } catch (err) {
      // Said at once, so a long build still running does not hide it; details come in the summary.
      if (prefix !== undefined) own(`✗ ${spec.name}: failed after ${((Date.now() - started) / 1000).toFixed(1)}s`);
      throw err;
    }
  });
  return specs.map((s, i) => ({ name: s.name, result: results[i]! }));
}

export interface ManySummary {
  /** Lines for stdout, in the order the functions were asked for. */
  lines: string[];
  /** error/hint lines for stderr, same order. */
  errors: string[];
  failed: string[];
  /** A failure that is not the user's (a bug): the caller rethrows it. */
  internal: unknown;
}

/** The end-of-run report (pure): one line per function, in request order. */
export function summarizeMany(outcomes: readonly ManyOutcome[]): ManySummary {
  const summary: ManySummary = { lines: [], errors: [], failed: [], internal: undefined };
  for (const o of outcomes) {
    if (o.result.ok) {
      summary.lines.push(summaryLine(o.result.value));
      continue;
    }
    const err = o.result.error;
    summary.failed.push(o.name);
    summary.lines.push(`✗ ${o.name}: failed`);
    if (err instanceof UserError) {
      summary.errors.push(`error: ${err.message}`);
      if (err.hint) summary.errors.push(`hint: ${err.hint}`);
    } else {
      summary.errors.push(`error: ${o.name}: internal error`);
      summary.internal ??= err;
    }
  }
  return summary;
}
