// npx zx scripts/status.mjs [--json]: per function: route, image tag, state,
// health, restarts, uptime, port.
import { ensureEngine } from '../docker/engine.ts';
import { loadStackConfig } from '../stack/config/load.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { functionRows, renderTable } from '../stack/table.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/status.mjs [--json]';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) return 0;
  const { settings } = await openProject();
  const config = await loadStackConfig(settings.root, { registry: settings.registry });
  await ensureEngine();
  const observed = await observeStack(composeTarget(settings).project);
  const services = config.functions.map((f) => ({
    name: f.name,
    port: f.port,
    image: '-',
    paths: config.routes.filter((r) => r.function === f.name).map((r) => r.path),
  }));
  const rows = functionRows({ bind: config.bind, proxy: config.proxy, services }, observed, Date.now());
  const proxy = observed.find((c) => c.role === 'proxy');
  const proxyState = proxy
    ? {
        state: proxy.status,
        health: proxy.health,
        restarts: proxy.restarts,
        url: `http://${config.bind}:${config.proxy.port}`,
      }
    : { state: 'missing' };
  if (values.json) {
    log(JSON.stringify({ proxy: proxyState, functions: rows }, null, 2));
  } else {
    log(
      renderTable(
        ['FUNCTION', 'ROUTES', 'IMAGE', 'STATE', 'HEALTH', 'RESTARTS', 'UPTIME', 'PORT'],
        rows.map((r) => [
          r.function,
          r.routes.join(' '),
          r.image,
          r.state,
          r.health,
          String(r.restarts),
          r.uptime,
          r.direct,
        ]),
      ),
    );
    log(
      `proxy: ${proxy ? `${proxy.status} (${proxy.health}), ${proxy.restarts} restart(s), http://${config.bind}:${config.proxy.port}` : 'not running'}`,
    );
  }
  const healthy =
    !!proxy && proxy.status === 'running' && rows.every((r) => r.state === 'running' && r.health === 'healthy');
  return healthy ? 0 : 3;
}
