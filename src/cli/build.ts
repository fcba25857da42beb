// npx zx scripts/build.mjs NAME… [--all] [--no-test] [--no-push] [--no-cache]
// Several functions build at once (FAASO_BUILD_JOBS, default cores + 1, 2 to 4).
import os from 'node:os';
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { ensureRegistry } from '../registry/registry.ts';
import { buildMany, summarizeMany } from '../build/many.ts';
import { prefetch } from '../build/build.ts';
import { buildJobs } from '../util/pool.ts';
import { parseCli } from './entry.ts';
import { log, selectFunctions } from './context.ts';
import { openProject } from '../project.ts';

const USAGE =
  'npx zx scripts/build.mjs NAME… [--all] [--no-test] [--no-push] [--no-cache]   (FAASO_BUILD_JOBS=N builds N at once)';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    {
      all: { type: 'boolean' },
      'no-test': { type: 'boolean' },
      'no-push': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const jobs = buildJobs(process.env, os.cpus().length);
  const opts = { test: !values['no-test'], push: !values['no-push'], noCache: values['no-cache'] === true };
  // The engine must answer before anything is built or pushed. Without
  // --no-cache, the one batched inspect of the functions' tags asks it (and
  // says when it does not): an up-to-date build then makes no other Docker
  // call. With --no-cache, the engine check runs while the project is read.
  // Either way the project's own mistakes are reported first. buildx and the
  // base image are checked by the first function that really builds (see
  // build/build.ts).
  const engine = opts.noCache
    ? ensureEngine({ buildx: false }).then(
        () => null,
        (err: unknown) => err,
      )
    : null;
  const project = await openProject();
  const specs = await selectFunctions(project, positionals, values.all === true, USAGE);
  const known = opts.noCache ? null : await prefetch(specs, project.templates, project.settings, jobs);
  const engineError = await engine;
  if (engineError) throw engineError;
  if (opts.push) await ensureRegistry(project.settings, log);

  const started = Date.now();
  const outcomes = await buildMany(specs, project.templates, project.settings, opts, jobs, log, known);
  const only = outcomes.length === 1 ? outcomes[0]!.result : null;
  // One function: its error is the command's error, exactly as it was raised.
  if (only && !only.ok) throw only.error;

  const summary = summarizeMany(outcomes);
  if (outcomes.length > 1)
    log(
      `\n${outcomes.length} function(s) in ${((Date.now() - started) / 1000).toFixed(1)}s, up to ${Math.min(jobs, outcomes.length)} at a time:`,
    );
  for (const line of summary.lines) log(line);
  for (const line of summary.errors) process.stderr.write(`${line}\n`);
  if (summary.internal !== undefined) throw summary.internal;
  if (summary.failed.length > 0) {
    throw new UserError(`${summary.failed.length} of ${specs.length} function(s) failed: ${summary.failed.join(', ')}`);
  }
  return 0;
}
