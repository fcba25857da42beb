// npx zx scripts/swarm.mjs init|join|status: set up a Docker Swarm for faaso
// (target: swarm in faaso.yml) — the Swarm, a registry every node pulls from,
// and the checks that tell a node that cannot reach it before it fails tasks.
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { initSwarm, joinSwarm, swarmReport } from '../cluster/setup.ts';
import { readPort } from '../stack/config/fields.ts';
import { Problems } from '../util/fields.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { openProject } from '../project.ts';

const USAGE = [
  'npx zx scripts/swarm.mjs init [--advertise-addr ADDR] [--registry-port PORT]',
  'npx zx scripts/swarm.mjs join --manager HOST:2377 --token TOKEN --registry HOST:PORT',
  'npx zx scripts/swarm.mjs status',
].join('\n       ');

/** A string flag's value (parseCli types every flag loosely). */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || !value)
    throw new UserError(`join: ${flag} is required (init printed it)`, `usage: ${USAGE}`);
  return value;
}

/** host:port, plain: it goes to docker's argv and into faaso.yml. */
function address(value: string, flag: string): string {
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value))
    throw new UserError(`${flag}: expected HOST:PORT, got ${JSON.stringify(value)}`, `usage: ${USAGE}`);
  return value;
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    {
      'advertise-addr': { type: 'string' },
      'registry-port': { type: 'string' },
      manager: { type: 'string' },
      token: { type: 'string' },
      registry: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const [command, ...extra] = positionals;
  if (!command || extra.length > 0 || !['init', 'join', 'status'].includes(command))
    throw new UserError('say init, join or status', `usage: ${USAGE}`);
  await ensureEngine({ buildx: false });
  if (command === 'status') return (await swarmReport(log)) ? 0 : 3;
  if (command === 'join') {
    const token = required(values.token, '--token');
    if (!/^SWMTKN-[A-Za-z0-9-]+$/.test(token)) throw new UserError('--token: not a Swarm join token (SWMTKN-…)');
    await joinSwarm(
      {
        manager: address(required(values.manager, '--manager'), '--manager'),
        token,
        registry: address(required(values.registry, '--registry'), '--registry'),
      },
      log,
    );
    return 0;
  }
  const p = new Problems('swarm.mjs');
  const port =
    values['registry-port'] === undefined ? 5000 : readPort(Number(values['registry-port']), '--registry-port', p);
  if (port === undefined || p.list.length > 0)
    throw new UserError(p.list.map((x) => x.message).join('\n'), `usage: ${USAGE}`);
  const advertise = text(values['advertise-addr']);
  if (advertise !== undefined && !/^[A-Za-z0-9.:-]+$/.test(advertise))
    throw new UserError(`--advertise-addr: expected an address or interface name, got ${JSON.stringify(advertise)}`);
  const project = await openProject();
  await initSwarm(project.settings.root, { advertiseAddr: advertise, registryPort: port }, log);
  return 0;
}
