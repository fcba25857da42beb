// `status` for target: swarm: per function its tasks (node, state, health)
// from the Swarm's managers, the two proxies on every node, and the nodes.
import type { StackConfig } from '../stack/types.ts';
import { PORTS_SERVICE, PROXY_SERVICE } from '../stack/config/rules.ts';
import { observeNodes, observeServices, observeTasks, requireManager } from '../stack/swarm/observe.ts';
import { swarmRows, taskSummary } from '../stack/swarm/rows.ts';
import { renderTable, rowHealthy, type RowSource } from '../stack/table.ts';
import { log } from './context.ts';

export async function swarmStatus(
  config: StackConfig,
  project: string,
  source: RowSource,
  json: boolean,
): Promise<number> {
  const info = await requireManager(config.file);
  const [services, tasks, nodes] = await Promise.all([observeServices(project), observeTasks(project), observeNodes()]);
  const rows = swarmRows(source, project, info.nodeAddr, services, tasks);
  const ready = nodes.filter((n) => n.status === 'ready' && n.availability === 'active').length;
  const proxy = (name: string) => {
    const live = tasks.filter((t) => t.service === `${project}_${name}` && t.desired === 'running');
    return { summary: taskSummary(ready, live), healthy: live.filter((t) => t.state === 'running').length };
  };
  const p = proxy(PROXY_SERVICE);
  const q = proxy(PORTS_SERVICE);
  if (json) {
    log(JSON.stringify({ target: 'swarm', nodes, proxy: p, ports: q, functions: rows }, null, 2));
  } else {
    log(
      renderTable(
        ['FUNCTION', 'ROUTES', 'IMAGE', 'TASKS', 'REPLACED', 'UPTIME', 'PORT'],
        rows.map((r) => [r.function, r.routes.join(' '), r.image, r.health, String(r.restarts), r.uptime, r.direct]),
      ),
    );
    log(`proxy: ${p.summary}, port ${config.proxy.port} on every node`);
    log(`ports: ${q.summary}, ${config.functions.length} port(s) on every node`);
    log(
      `nodes: ${nodes.map((n) => `${n.hostname} (${n.status}${n.manager ? `, ${n.manager.toLowerCase()}` : ''}${n.availability === 'active' ? '' : `, ${n.availability}`})`).join(' ')}`,
    );
  }
  return p.healthy >= ready && q.healthy >= ready && rows.every(rowHealthy) ? 0 : 3;
}
