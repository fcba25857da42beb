// npx zx scripts/build.mjs NAME… [--all] [--no-test] [--no-push] [--no-cache]
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { ensureBaseImage } from '../base/ensure.ts';
import { ensureRegistry } from '../registry/registry.ts';
import { buildFunction, summaryLine } from '../build/build.ts';
import { parseCli } from './entry.ts';
import { log, openProject, selectFunctions } from './context.ts';

const USAGE = 'npx zx scripts/build.mjs NAME… [--all] [--no-test] [--no-push] [--no-cache]';

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
  const project = await openProject();
  const specs = await selectFunctions(project, positionals, values.all === true, USAGE);
  const opts = { test: !values['no-test'], push: !values['no-push'], noCache: values['no-cache'] === true };

  await ensureEngine();
  await ensureBaseImage({ log });
  if (opts.push) await ensureRegistry(project.settings, log);

  const failures: string[] = [];
  for (const spec of specs) {
    try {
      const result = await buildFunction(spec, project.templates.get(spec.runtime)!, project.settings, opts, log);
      log(summaryLine(result));
    } catch (err) {
      if (!(err instanceof UserError) || specs.length === 1) throw err;
      // Keep going: one broken function should not hide the state of the others.
      process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      failures.push(spec.name);
    }
  }
  if (failures.length > 0) throw new UserError(`${failures.length} of ${specs.length} function(s) failed: ${failures.join(', ')}`);
  return 0;
}
