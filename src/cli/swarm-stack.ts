// `logs` and `down` for target: swarm: the stack's services on the Swarm this
// engine manages (`docker service logs`, `docker stack rm`).
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { STACK_FILE } from '../stack/config/rules.ts';
import { acquireUpLock } from '../stack/lock.ts';
import type { ComposeTarget } from '../stack/argv.ts';
import { listServices, serviceLogs, stackNetworks, stackRm } from '../stack/swarm/argv.ts';
import { observeServices, requireManager } from '../stack/swarm/observe.ts';
import { failureLine } from '../util/text.ts';
import { log } from './context.ts';

export async function swarmLogs(target: ComposeTarget, name: string, follow: boolean, tail: number): Promise<number> {
  await requireManager(STACK_FILE);
  const services = (await observeServices(target.project)).map((s) => s.short);
  if (!services.includes(name))
    throw new UserError(
      `no service ${JSON.stringify(name)} in stack ${target.project} on the Swarm`,
      `services: ${services.join(', ') || 'none (npx zx scripts/up.mjs)'}`,
    );
  const r = await run(serviceLogs(`${target.project}_${name}`, follow, tail), { stream: true });
  return r.exitCode === 0 ? 0 : 1;
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
  } finally {
    await release();
  }
  log(`stack ${target.project}: removed ${services.length} service(s) from the Swarm`);
  return 0;
}
