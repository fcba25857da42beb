// `logs` and `down` for target: swarm: the stack's services on the Swarm this
// engine manages (`docker service logs`, `docker stack rm`).
import { UserError } from '../errors.ts';
import { follow, run } from '../exec/runner.ts';
import { cleanLogLine } from '../stack/log-lines.ts';
import { STACK_FILE } from '../stack/config/rules.ts';
import { acquireUpLock } from '../stack/lock.ts';
import type { ComposeTarget, LogsOptions } from '../stack/argv.ts';
import { listServices, serviceLogs, stackNetworks, stackRm } from '../stack/swarm/argv.ts';
import { observeServices, requireManager } from '../stack/swarm/observe.ts';
import { failureLine } from '../util/text.ts';
import { log } from './context.ts';
import { writeJobs } from '../schedule/store.ts';

/** Logs of the named services (none: every service of the stack, side by side), each line prefixed by its task. */
export async function swarmLogs(target: ComposeTarget, names: readonly string[], opts: LogsOptions): Promise<number> {
  await requireManager(STACK_FILE);
  const services = (await observeServices(target.project)).map((s) => s.short).sort();
  const unknown = names.find((n) => !services.includes(n));
  if (unknown !== undefined || services.length === 0)
    throw new UserError(
      `no service ${JSON.stringify(unknown ?? '')} in stack ${target.project} on the Swarm`,
      `services: ${services.join(', ') || 'none (npx zx scripts/up.mjs)'}`,
    );
  const results = await Promise.all(
    (names.length > 0 ? names : services).map((name) =>
      follow(serviceLogs(`${target.project}_${name}`, opts), {
        onLine: (line, stream) =>
          (stream === 'stdout' ? process.stdout : process.stderr).write(`${cleanLogLine(line, opts.color === true)}\n`),
      }),
    ),
  );
  return results.every((r) => r.exitCode === 0) ? 0 : 1;
}

/** `docker stack rm` returns before Swarm is done: wait until its services and network are gone, so `up` can follow. */
async function waitGone(project: string, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [services, networks] = await Promise.all([run(listServices(project)), run(stackNetworks(project))]);
    if (services.exitCode === 0 && networks.exitCode === 0 && !services.stdout.trim() && !networks.stdout.trim())
      return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export async function swarmDown(target: ComposeTarget): Promise<number> {
  await requireManager(STACK_FILE);
  const services = await observeServices(target.project);
  if (services.length === 0) {
    log(`stack ${target.project}: not running on the Swarm`);
    return 0;
  }
  const release = await acquireUpLock(target);
  try {
    const r = await run(stackRm(target.project));
    if (r.exitCode !== 0) throw new UserError(`docker stack rm failed: ${failureLine(r)}`);
    if (!(await waitGone(target.project)))
      throw new UserError(
        `stack ${target.project}: Swarm is still removing it after 90 s`,
        `check: docker stack ps ${target.project}`,
      );
    await writeJobs(target.dir, []);
  } finally {
    await release();
  }
  log(`stack ${target.project}: removed ${services.length} service(s) from the Swarm`);
  return 0;
}
