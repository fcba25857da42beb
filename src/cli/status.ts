// npx zx scripts/status.mjs [--json]: per function: routes, image, replicas
// healthy of wanted, restarts, uptime, its own port; --json lists each replica.
import { ensureEngine } from '../docker/engine.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { functionRows, renderTable, rowHealthy } from '../stack/table.ts';
import { proxyBase } from '../stack/urls.ts';
import type { ContainerObservation } from '../stack/inspect.ts';
import { parseCli } from './entry.ts';
import { swarmStatus } from './status-swarm.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/status.mjs [--json]';

const proxyState = (c: ContainerObservation | undefined, url: string) =>
  c ? { state: c.status, health: c.health, restarts: c.restarts, url } : { state: 'missing', url };

const proxyLine = (what: string, c: ContainerObservation | undefined, url: string): string =>
  `${what}: ${c ? `${c.status} (${c.health}), ${c.restarts} restart(s), ${url}` : 'not running'}`;

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const { settings } = await openProject();
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  await ensureEngine();
  const project = composeTarget(settings).project;
  const services = config.functions.map((f) => ({
    name: f.name,
    port: f.port,
    image: '-',
    replicas: f.replicas,
    paths: config.routes.filter((r) => r.function === f.name).map((r) => r.path),
  }));
  const source = { bind: config.bind, proxy: config.proxy, services };
  if (config.target === 'swarm') return swarmStatus(config, project, source, values.json === true);
  const observed = await observeStack(project);
  const rows = functionRows(source, observed, Date.now());
  const proxy = observed.find((c) => c.role === 'proxy');
  const ports = observed.find((c) => c.role === 'ports');
  const proxyUrl = proxyBase(config, undefined, config.bind);
  const portsUrl = `${config.functions.length} port(s) on ${config.bind}`;
  if (values.json) {
    log(
      JSON.stringify(
        { proxy: proxyState(proxy, proxyUrl), ports: proxyState(ports, portsUrl), functions: rows },
        null,
        2,
      ),
    );
  } else {
    log(
      renderTable(
        ['FUNCTION', 'ROUTES', 'IMAGE', 'REPLICAS', 'RESTARTS', 'UPTIME', 'PORT'],
        rows.map((r) => [r.function, r.routes.join(' '), r.image, r.health, String(r.restarts), r.uptime, r.direct]),
      ),
    );
    log(proxyLine('proxy', proxy, proxyUrl));
    log(proxyLine('ports', ports, portsUrl));
  }
  const serving = (c: ContainerObservation | undefined) => c?.status === 'running' && c.health !== 'unhealthy';
  return serving(proxy) && serving(ports) && rows.every(rowHealthy) ? 0 : 3;
}
