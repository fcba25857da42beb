// What is running now: every container of the compose project, from one
// `docker ps` and one `docker inspect` (parsed in inspect.ts), for `up`,
// `status`, `logs` and `watch` alike.
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { inspectContainers, listProjectContainers } from './argv.ts';
import { failureLine } from '../util/text.ts';
import { parseContainers, type ContainerObservation } from './inspect.ts';

export type ObservedContainer = ContainerObservation;
export type Observation = { ok: true; containers: ContainerObservation[] } | { ok: false; error: string };

const OBSERVE_TIMEOUT_MS = 30_000;

/** One consistent picture of the project; a container vanishing between ps and inspect is retried. */
export async function observeContainers(project: string): Promise<Observation> {
  let error = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const ids = await run(listProjectContainers(project), { timeoutMs: OBSERVE_TIMEOUT_MS });
    if (ids.exitCode !== 0) return { ok: false, error: failureLine(ids) };
    const list = ids.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (list.length === 0) return { ok: true, containers: [] };
    const r = await run(inspectContainers(list), { timeoutMs: OBSERVE_TIMEOUT_MS });
    if (r.exitCode === 0) return { ok: true, containers: parseContainers(r.stdout) };
    error = failureLine(r);
  }
  return { ok: false, error };
}

/** Like observeContainers, for commands that cannot go on without Docker. */
export async function observeStack(project: string): Promise<ObservedContainer[]> {
  const seen = await observeContainers(project);
  if (!seen.ok)
    throw new UserError(`cannot list containers: ${seen.error}`, 'is Docker running? npx zx scripts/setup.mjs');
  return seen.containers;
}
