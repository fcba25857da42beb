// npx zx scripts/console.mjs [--port 8090] [--bind 127.0.0.1]: the web console —
// functions, metrics with a live chart, logs, invoke, restart and deploy —
// behind a token printed on first start. Loopback only unless --bind says otherwise.
import path from 'node:path';
import { UserError } from '../errors.ts';
import { openProject } from '../project.ts';
import { IPV4 } from '../stack/config/rules.ts';
import { PORT_MAX, PORT_MIN } from '../stack/config/ports.ts';
import { ensureToken, TOKEN_SECRET } from '../console/auth.ts';
import { startLive } from '../console/live.ts';
import { startConsole } from '../console/server.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';

const USAGE = 'npx zx scripts/console.mjs [--port 8090] [--bind 127.0.0.1]';
export const DEFAULT_CONSOLE_PORT = 8090;

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    { port: { type: 'string' }, bind: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) return 0;
  const port = values.port === undefined ? DEFAULT_CONSOLE_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < PORT_MIN || port > PORT_MAX)
    throw new UserError(`--port: expected a port from ${PORT_MIN} to ${PORT_MAX}, got ${JSON.stringify(values.port)}`);
  const bind = (values.bind as string | undefined) ?? '127.0.0.1';
  if (!IPV4.test(bind))
    throw new UserError(`--bind: expected an IPv4 address such as 127.0.0.1, got ${JSON.stringify(bind)}`);
  const project = await openProject();
  const { token, created } = await ensureToken(project.settings.secretsDir);
  const file = path.join(project.settings.secretsDir, TOKEN_SECRET);
  const controller = new AbortController();
  const live = startLive(project.settings, controller.signal);
  // A page asked for in the first moment would otherwise call every function unknown.
  await live.ready;
  let server;
  try {
    server = await startConsole({ project, live, token, bind, port });
  } catch (err) {
    controller.abort();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`--port: ${bind}:${port} is already in use`, 'pick another: --port N');
    if (code === 'EADDRNOTAVAIL') throw new UserError(`--bind: ${bind} is not an address of this machine`);
    throw err;
  }
  log(
    `faaso console for stack ${project.settings.project}: http://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${port}/`,
  );
  if (created) log(`token (shown once; kept as the secret ${TOKEN_SECRET}, in ${file}): ${token}`);
  else log(`token: the secret ${TOKEN_SECRET}, in ${file}`);
  if (bind !== '127.0.0.1')
    log(`listening on ${bind}: reachable from other machines; anyone with the token can restart and deploy`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      controller.abort();
      server.closeAllConnections();
      server.close(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('console stopped');
  return 0;
}
