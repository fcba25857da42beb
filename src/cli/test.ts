// npx zx scripts/test.mjs NAME… [--all] [--image REF]: run functions' tests against their images.
import { UserError } from '../errors.ts';
import { ensureEngine, imageInfo } from '../docker/engine.ts';
import { planFunction } from '../build/build.ts';
import { runTestsAgainstImage } from '../testing/run-tests.ts';
import { parseCli } from './entry.ts';
import { log, selectFunctions } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/test.mjs NAME… [--all] [--image REF]';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { all: { type: 'boolean' }, image: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const project = await openProject();
  const specs = await selectFunctions(project, positionals, values.all === true, USAGE);
  if (values.image && specs.length > 1)
    throw new UserError('--image needs exactly one function name', `usage: ${USAGE}`);
  await ensureEngine();

  let failed = 0;
  for (const spec of specs) {
    // The image built from the current sources; else the last good build.
    const plan = await planFunction(spec, project.templates.get(spec.runtime)!, project.settings);
    const candidates = values.image ? [String(values.image)] : [plan.image.hashRef, plan.image.latestRef];
    let image: string | undefined;
    for (const ref of candidates)
      if (await imageInfo(ref)) {
        image = ref;
        break;
      }
    if (!image)
      throw new UserError(
        `${spec.name}: no image to test (looked for ${candidates.join(', ')})`,
        `build it first: npx zx scripts/build.mjs ${spec.name}`,
      );
    if (image !== plan.image.hashRef && !values.image)
      log(`${spec.name}: note: sources changed since ${image} was built; testing it anyway`);
    if (spec.tests.length === 0) {
      log(`${spec.name}: no tests defined in ${spec.file}`);
      continue;
    }
    log(`${spec.name}: ${spec.tests.length} test(s) against ${image}`);
    const report = await runTestsAgainstImage(spec, image, log);
    log(`${spec.name}: ${report.passed} passed, ${report.failed} failed`);
    failed += report.failed;
  }
  if (failed > 0) throw new UserError(`${failed} test(s) failed`, 'see the differences above (- expected, + actual)');
  return 0;
}
