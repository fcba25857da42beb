// npx zx scripts/status.mjs [--json]: per function: routes, image, replicas
// healthy of wanted, restarts, uptime, its own port; --json lists each replica.
import { ensureEngine } from '../docker/engine.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { functionRows, renderTable, rowHealthy, rowSource } from '../stack/table.ts';
import { proxyBase } from '../stack/urls.ts';
import type { ContainerObservation } from '../stack/inspect.ts';
import { parseCli } from './entry.ts';
import { swarmStatus } from './status-swarm.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';
import { metricCells, METRIC_HEADERS } from '../metrics/format.ts';
import { readMetrics } from '../metrics/read.ts';
import { summarizeMetrics, type FunctionMetrics } from '../metrics/series.ts';
import type { Route } from '../stack/types.ts';
import { readScheduleViews } from '../schedule/store.ts';
import { SCHEDULE_HEADERS, scheduleCells } from '../schedule/format.ts';

const USAGE = 'npx zx scripts/status.mjs [--json]';

const proxyState = (c: ContainerObservation | undefined, url: string) =>
  c ? { state: c.status, health: c.health, restarts: c.restarts, url } : { state: 'missing', url };

/** Per function, from the proxy's access log; none when it is off. */
async function functionMetrics(
  accessLog: boolean,
  routes: readonly Route[],
  observed: readonly ContainerObservation[],
  now: number,
): Promise<{ byFn: Map<string, FunctionMetrics>; note: string }> {
  if (!accessLog) return { byFn: new Map(), note: 'metrics: off (faaso.yml: proxy.access_log: false)' };
  const { metrics, error } = await readMetrics(routes, observed);
  const byFn = new Map(summarizeMetrics(metrics, now).map((m) => [m.function, m]));
  const note = error
    ? `metrics: cannot read the proxy's log (${error})`
    : "metrics: through the proxy since each function's containers were created (RPS: last minute; 5XX: share of requests)";
  return { byFn, note };
}

const proxyLine = (what: string, c: ContainerObservation | undefined, url: string): string =>
  `${what}: ${c ? `${c.status} (${c.health}), ${c.restarts} restart(s), ${url}` : 'not running'}`;

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const { settings } = await openProject();
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  await ensureEngine();
  const project = composeTarget(settings).project;
  const source = rowSource(config);
  if (config.target === 'swarm') return swarmStatus(config, project, source, values.json === true);
  const observed = await observeStack(project);
  const now = Date.now();
  const rows = functionRows(source, observed, now);
  const { byFn, note } = await functionMetrics(config.proxy.accessLog !== false, config.routes, observed, now);
  const schedules = await readScheduleViews(composeTarget(settings).dir, now);
  const proxy = observed.find((c) => c.role === 'proxy');
  const ports = observed.find((c) => c.role === 'ports');
  const proxyUrl = proxyBase(config, undefined, config.bind);
  const portsUrl = `${config.functions.length} port(s) on ${config.bind}`;
  if (values.json) {
    log(
      JSON.stringify(
        {
          proxy: proxyState(proxy, proxyUrl),
          ports: proxyState(ports, portsUrl),
          functions: rows.map((r) => ({ ...r, metrics: byFn.get(r.function) ?? null })),
          schedules,
        },
        null,
        2,
      ),
    );
  } else {
    log(
      renderTable(
        ['FUNCTION', 'ROUTES', 'IMAGE', 'REPLICAS', 'RESTARTS', 'UPTIME', ...METRIC_HEADERS, 'PORT'],
        rows.map((r) => [
          r.function,
          r.routes.join(' '),
          r.image,
          r.health,
          String(r.restarts),
          r.uptime,
          ...metricCells(byFn.get(r.function)),
          r.direct,
        ]),
      ),
    );
    log(note);
    log(proxyLine('proxy', proxy, proxyUrl));
    log(proxyLine('ports', ports, portsUrl));
    if (schedules.length > 0)
      log(
        `\n${renderTable(
          SCHEDULE_HEADERS,
          schedules.map((v) => scheduleCells(v, now)),
        )}`,
      );
  }
  const serving = (c: ContainerObservation | undefined) => c?.status === 'running' && c.health !== 'unhealthy';
  return serving(proxy) && serving(ports) && rows.every(rowHealthy) ? 0 : 3;
}
