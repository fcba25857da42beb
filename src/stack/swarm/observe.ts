// What runs on the Swarm now: the stack's services (spec, rollout, task
// counts) and its tasks, and this engine's place in the Swarm.
import { UserError } from '../../errors.ts';
import { run } from '../../exec/runner.ts';
import { failureLine } from '../../util/text.ts';
import { inspectServices, listNodes, listServices, serviceCounts, stackTasks, swarmInfo } from './argv.ts';
import {
  parseServiceCounts,
  parseServices,
  parseSwarmInfo,
  parseTasks,
  type SwarmInfo,
  type SwarmService,
  type SwarmTask,
} from './inspect.ts';

const TIMEOUT_MS = 30_000;

async function output(argv: string[], what: string): Promise<string> {
  const r = await run(argv, { timeoutMs: TIMEOUT_MS });
  if (r.exitCode !== 0)
    throw new UserError(
      `cannot ${what}: ${failureLine(r)}`,
      'is this Docker engine a Swarm manager? npx zx scripts/swarm.mjs status',
    );
  return r.stdout;
}

export async function readSwarmInfo(): Promise<SwarmInfo> {
  return parseSwarmInfo(await output(swarmInfo(), 'read the Swarm state'));
}

/**
 * faaso.yml says target: swarm: this engine must be a manager of an active
 * Swarm (only managers deploy stacks). Says how to get there otherwise.
 */
export async function requireManager(file: string): Promise<SwarmInfo> {
  const info = await readSwarmInfo();
  if (info.state !== 'active')
    throw new UserError(
      `${file}: target: swarm, but this Docker engine is not part of a Swarm (state ${info.state}${info.error ? `: ${info.error}` : ''})`,
      'set one up: npx zx scripts/swarm.mjs init (then join the other machines), or point DOCKER_HOST at a manager',
    );
  if (!info.manager)
    throw new UserError(
      `${file}: target: swarm, but this Docker engine is a worker node: stacks are deployed from a manager`,
      'run faaso on a manager, or point DOCKER_HOST at one (npx zx scripts/swarm.mjs status lists them)',
    );
  return info;
}

export async function observeServices(project: string): Promise<SwarmService[]> {
  const ids = (await output(listServices(project), 'list the stack’s services')).split('\n').filter((l) => l.trim());
  if (ids.length === 0) return [];
  return parseServices(await output(inspectServices(ids), 'inspect the stack’s services'), project);
}

export async function observeCounts(project: string): Promise<Map<string, { running: number; wanted: number }>> {
  return parseServiceCounts(await output(serviceCounts(project), 'count the stack’s tasks'));
}

export async function observeTasks(project: string): Promise<SwarmTask[]> {
  return parseTasks(await output(stackTasks(project), 'list the stack’s tasks'));
}

export interface SwarmNode {
  hostname: string;
  id: string;
  status: string;
  availability: string;
  manager: string;
  self: boolean;
}

export async function observeNodes(): Promise<SwarmNode[]> {
  const text = await output(listNodes(), 'list the Swarm’s nodes');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((n) => ({
      hostname: String(n.Hostname ?? ''),
      id: String(n.ID ?? ''),
      status: String(n.Status ?? '').toLowerCase(),
      availability: String(n.Availability ?? '').toLowerCase(),
      manager: String(n.ManagerStatus ?? ''),
      self: n.Self === true,
    }))
    .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}
