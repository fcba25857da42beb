// npx zx scripts/logs.mjs NAME [-f]: a function's (all its replicas'), the proxy's or the ports listener's logs
// (on Swarm: every task's, from every node).
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { run } from '../exec/runner.ts';
import { composeLogs } from '../stack/argv.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { parseCli } from './entry.ts';
import { readStackTarget } from '../stack/config/load.ts';
import { swarmLogs } from './swarm-stack.ts';
import { openProject } from '../project.ts';

const USAGE = 'npx zx scripts/logs.mjs NAME [-f] [--tail N]';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    { follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  if (positionals.length !== 1) throw new UserError('name one function (or "proxy", or "ports")', `usage: ${USAGE}`);
  const name = positionals[0]!;
  const tail = values.tail === undefined ? 200 : Number(values.tail);
  if (!Number.isInteger(tail) || tail < 0)
    throw new UserError(`--tail: expected a number of lines, got ${JSON.stringify(values.tail)}`);
  const { settings } = await openProject();
  await ensureEngine();
  const target = composeTarget(settings);
  if ((await readStackTarget(settings.root)) === 'swarm') return swarmLogs(target, name, values.follow === true, tail);
  const services = [...new Set((await observeStack(target.project)).map((c) => c.service))].sort();
  if (!services.includes(name))
    throw new UserError(
      `no container for ${JSON.stringify(name)} in stack ${target.project}`,
      `running: ${services.join(', ') || 'nothing (npx zx scripts/up.mjs)'}`,
    );
  const r = await run(composeLogs(target, name, values.follow === true, tail), { stream: true });
  return r.exitCode === 0 ? 0 : 1;
}
