// Pure: the Swarm's view of the stack as the rows `up` and `status` print —
// per function its tasks summed up ("2/2 healthy on node1 node3"), and for
// --json each task with its node. A task with a healthcheck only counts as
// running on Swarm once it is healthy; before that it is "starting".
import type { FunctionRow, ReplicaRow, RowSource } from '../table.ts';
import { ageSeconds, type SwarmService, type SwarmTask } from './inspect.ts';
import { routeUrls } from '../urls.ts';

/** Failed tasks Swarm replaced, from the tasks it still remembers (5 per slot by default). */
const replaced = (t: SwarmTask): boolean => t.desired === 'shutdown' && (t.state === 'failed' || t.error !== '');

function taskRow(t: SwarmTask): ReplicaRow {
  const slot = Number(t.name.slice(t.name.lastIndexOf('.') + 1));
  return {
    name: t.name,
    id: t.id,
    number: Number.isInteger(slot) ? slot : 0,
    image: t.image,
    state: t.state,
    health: t.state === 'running' ? 'healthy' : t.state,
    restarts: 0,
    uptime: t.since.replace(/ ago$/, ''),
    ip: '',
    node: t.node,
  };
}

/** "2/2 healthy on node1 node3", plus what the others do. */
export function taskSummary(wanted: number, tasks: readonly SwarmTask[]): string {
  if (tasks.length === 0) return 'missing';
  const running = tasks.filter((t) => t.state === 'running');
  const others = new Map<string, number>();
  for (const t of tasks.filter((x) => x.state !== 'running')) others.set(t.state, (others.get(t.state) ?? 0) + 1);
  const rest = [...others].sort(([a], [b]) => (a < b ? -1 : 1)).map(([what, n]) => `, ${n} ${what}`);
  const nodes = [...new Set(running.map((t) => t.node))].sort();
  return `${running.length}/${wanted} healthy${nodes.length > 0 ? ` on ${nodes.join(' ')}` : ''}${rest.join('')}`;
}

/**
 * `tasks`: every task of the stack Swarm remembers (`docker stack ps`,
 * unfiltered); `host`: the manager's address (every node serves every route).
 */
export function swarmRows(
  plan: RowSource,
  project: string,
  host: string,
  services: readonly SwarmService[],
  tasks: readonly SwarmTask[],
): FunctionRow[] {
  return plan.services.map((s) => {
    const service = `${project}_${s.name}`;
    const mine = tasks.filter((t) => t.service === service);
    const live = mine.filter((t) => t.desired === 'running').sort((a, b) => (a.name < b.name ? -1 : 1));
    const running = live.filter((t) => t.state === 'running');
    const spec = services.find((x) => x.name === service);
    return {
      function: s.name,
      routes: s.paths,
      url: routeUrls(plan, s.paths, host),
      direct: `http://${host}:${s.port}`,
      image: spec ? spec.image.replace(/@sha256:[0-9a-f]+$/, '') : s.image,
      wanted: s.replicas,
      running: running.length,
      healthy: running.length,
      health: taskSummary(s.replicas, live),
      state: live.length === 0 ? 'missing' : [...new Set(live.map((t) => t.state))].sort().join(','),
      restarts: mine.filter(replaced).length,
      // The youngest running task, as Docker words it.
      uptime:
        running.length > 0
          ? [...running].sort((a, b) => ageSeconds(a.since) - ageSeconds(b.since))[0]!.since.replace(/ ago$/, '')
          : '-',
      replicas: live.map(taskRow),
    };
  });
}
