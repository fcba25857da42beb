// npx zx scripts/logs.mjs NAME|--all [-f] [--tail N] [--since 10m]: a function's (all its replicas'), the
// proxy's or the ports listener's logs, or every container's merged (on Swarm: every task's, from every node).
// Each line is prefixed by its replica (sum-2 | …); colours only on a terminal.
import { UserError } from '../errors.ts';
import { ensureEngine } from '../docker/engine.ts';
import { follow } from '../exec/runner.ts';
import { composeLogs } from '../stack/argv.ts';
import { cleanLogLine, sinceProblem } from '../stack/log-lines.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget } from '../stack/prepare.ts';
import { parseCli } from './entry.ts';
import { readStackTarget } from '../stack/config/load.ts';
import { swarmLogs } from './swarm-stack.ts';
import { openProject } from '../project.ts';
import { numberFlag } from './numeric-flag.ts';

const USAGE = 'npx zx scripts/logs.mjs NAME|--all [-f] [--tail N] [--since 10m]';

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    {
      all: { type: 'boolean' },
      follow: { type: 'boolean', short: 'f' },
      tail: { type: 'string' },
      since: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const all = values.all === true;
  if (all ? positionals.length !== 0 : positionals.length !== 1)
    throw new UserError('name one function (or "proxy", or "ports"), or pass --all for every one', `usage: ${USAGE}`);
  const tail = numberFlag(values.tail, '--tail', {
    fallback: 200,
    integer: true,
    min: 0,
    max: 1_000_000,
    usage: USAGE,
  });
  const since = values.since as string | undefined;
  const why = since === undefined ? undefined : sinceProblem(since);
  if (why) throw new UserError(`--since: ${why}`, `usage: ${USAGE}`);
  const opts = { follow: values.follow === true, tail, since, color: process.stdout.isTTY === true };
  const { settings } = await openProject();
  await ensureEngine();
  const target = composeTarget(settings);
  const names = all ? [] : [positionals[0]!];
  if ((await readStackTarget(settings.root)) === 'swarm') return swarmLogs(target, names, opts);
  const services = [...new Set((await observeStack(target.project)).map((c) => c.service))].sort();
  const unknown = names.find((n) => !services.includes(n));
  if (unknown !== undefined || services.length === 0)
    throw new UserError(
      unknown === undefined
        ? `no container in stack ${target.project}`
        : `no container for ${JSON.stringify(unknown)} in stack ${target.project}`,
      `running: ${services.join(', ') || 'nothing (npx zx scripts/up.mjs)'}`,
    );
  const r = await follow(composeLogs(target, names, opts), {
    onLine: (line, stream) =>
      (stream === 'stdout' ? process.stdout : process.stderr).write(`${cleanLogLine(line, opts.color)}\n`),
  });
  if (r.exitCode !== 0 && r.stderr) process.stderr.write(`${r.stderr}\n`);
  return r.exitCode === 0 ? 0 : 1;
}
