// npx zx scripts/registry.mjs start|stop|status [--json]
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { ensureBaseImage } from '../base/ensure.ts';
import { registryStatus, startRegistry, stopRegistry } from '../registry/registry.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/registry.mjs start|stop|status [--json]';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const [action, ...rest] = positionals;
  if (!action || rest.length > 0 || !['start', 'stop', 'status'].includes(action)) {
    throw new UserError(action ? `unknown action ${JSON.stringify(action)}` : 'missing action', `usage: ${USAGE}`);
  }
  const { settings } = await openProject();
  await ensureEngine();
  if (action === 'start') {
    await ensureBaseImage({ log });
    await startRegistry(settings, log);
    return 0;
  }
  if (action === 'stop') {
    await stopRegistry(settings, log);
    return 0;
  }
  const s = await registryStatus(settings);
  if (values.json) log(JSON.stringify(s, null, 2));
  else {
    log(`address:      ${s.address} (${s.managed ? 'managed by faaso' : 'external'})`);
    if (s.managed) log(`container:    ${s.container ?? 'not created'}`);
    log(`reachable:    ${s.reachable ? 'yes' : 'no'}`);
    log(`repositories: ${s.repositories.join(', ') || '(none)'}`);
  }
  return s.reachable ? 0 : 3;
}
