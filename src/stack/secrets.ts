// The stack's secrets, between the store and the running containers: every use
// checked before anything is built (`up` fails naming each secret not set or
// unfit for its use), stamped for the plan, then written to the deploy folder
// right before the files that name them are used, and pruned once `up` worked.
import { ValidationError } from '../errors.ts';
import type { FunctionSpec } from '../function/types.ts';
import { deployDir, deployFiles, pruneDeployFiles, writeDeployFiles, type DeployFile } from '../secrets/deploy.ts';
import { loadSecrets, type LoadedSecrets } from '../secrets/store.ts';
import { secretProblems, secretUses } from '../secrets/uses.ts';
import type { Settings } from '../settings.ts';
import type { PlanSecrets } from './plan.ts';
import type { StackConfig, StackPlan } from './types.ts';

export interface StackSecrets {
  plan: PlanSecrets;
  loaded: LoadedSecrets;
}

/** Reads the secrets the stack uses; a ValidationError names every use of one not set or unfit. */
export async function stackSecrets(
  settings: Settings,
  config: StackConfig,
  specs: readonly FunctionSpec[],
): Promise<StackSecrets> {
  const uses = secretUses(config.file, config.routes, specs);
  const loaded = await loadSecrets(
    settings.secretsDir,
    uses.map((u) => u.secret),
  );
  const problems = secretProblems(uses, loaded.values);
  if (problems.length > 0)
    throw new ValidationError(problems, 'nothing was built or changed; secret values are never shown');
  return { plan: { dir: deployDir(settings.secretsDir, settings.project), stamps: loaded.stamps }, loaded };
}

/** Writes what the plan's containers and proxies will read; returns the files, for pruning later. */
export async function writeStackSecrets(plan: StackPlan, secrets: StackSecrets): Promise<DeployFile[]> {
  const files = deployFiles(plan, secrets.loaded.values, secrets.loaded.key);
  await writeDeployFiles(secrets.plan.dir, files);
  return files;
}

/** After a successful `up`: nothing runs from the other versions any more. */
export async function pruneStackSecrets(secrets: StackSecrets, files: readonly DeployFile[]): Promise<void> {
  await pruneDeployFiles(secrets.plan.dir, files);
}
