// Turns the running stack into the plan with the least disturbance:
// - nothing running: one `compose up --wait` (functions healthy before the proxy);
// - otherwise only the difference: new functions started, removed ones stopped
//   after Caddy stops routing to them, changed ones redeployed without a failed
//   request (a standby of the new version serves while the primary is replaced),
//   and Caddy reloaded through its admin API.
// Anything that fails before the switch leaves the running stack as it was.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { COMPOSE_FILE, composeDown, composeLogs, composeUpAll, composeUpServices, stopAndRemove } from './argv.ts';
import { standbyServiceName, PROXY_SERVICE } from './render/compose.ts';
import { FUNCTION_PORT } from '../function/contract.ts';
import { diffStack, type StackDiff } from './diff.ts';
import { observeStack, type ObservedContainer } from './observe.ts';
import { checkPortsFree, type PortWanted } from './port-check.ts';
import { reloadProxy } from './proxy.ts';
import {
  caddyChecker,
  renderStack,
  writeStackFiles,
  type CaddyCheck,
  type PreparedStack,
  type StackFiles,
} from './prepare.ts';

type Log = (line: string) => void;

async function readOr(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}

function composeError(what: string, stderr: string): UserError {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  const tail = lines.slice(-6).join('\n');
  if (/address already in use|port is already allocated/i.test(stderr)) {
    return new UserError(`${what}: a port is already in use\n${tail}`, 'free the port or choose another in faaso.yml');
  }
  return new UserError(
    `${what} failed:\n${tail}`,
    'see `npx zx scripts/status.mjs` and `npx zx scripts/logs.mjs NAME`',
  );
}

async function removeContainers(names: string[]): Promise<void> {
  if (names.length === 0) return;
  for (const argv of stopAndRemove(names)) await run(argv);
}

function wantedPorts(s: PreparedStack, services: { name: string; port: number }[], proxy: boolean): PortWanted[] {
  const ports = services.map((f) => ({ port: f.port, bind: s.plan.bind, field: `functions.${f.name}.port` }));
  if (proxy) ports.push({ port: s.plan.proxy.port, bind: s.plan.bind, field: 'proxy.port' });
  return ports;
}

async function fresh(s: PreparedStack, files: StackFiles, observed: ObservedContainer[], log: Log): Promise<void> {
  const ours = new Set(observed.filter((c) => c.status === 'running').flatMap((c) => c.published));
  await checkPortsFree(s.config.file, wantedPorts(s, s.plan.services, true), ours);
  await writeStackFiles(s.target, files);
  log(`starting ${s.plan.services.length} function(s) and the proxy…`);
  const r = await run(composeUpAll(s.target));
  if (r.exitCode !== 0) {
    // Nothing was serving before: leave nothing half-started behind.
    await run(composeDown(s.target));
    throw composeError('starting the stack', r.stderr);
  }
}

async function reload(
  s: PreparedStack,
  proxy: string,
  caddyfile: string,
  previous: string | undefined,
  log: Log,
): Promise<void> {
  await writeStackFiles(s.target, { caddyfile });
  const res = await reloadProxy(proxy);
  if (!res.ok) {
    if (previous !== undefined) await writeStackFiles(s.target, { caddyfile: previous });
    throw new UserError(`Caddy refused the new routes: ${res.error}`, 'the previous routes keep serving');
  }
  log(`proxy: routes reloaded in ${res.ms} ms`);
}

async function update(
  s: PreparedStack,
  final: StackFiles,
  diff: StackDiff,
  observed: ObservedContainer[],
  check: CaddyCheck,
  log: Log,
): Promise<void> {
  const proxy = observed.find((c) => c.role === 'proxy' || c.service === PROXY_SERVICE)!;
  const ours = new Set(observed.filter((c) => c.status === 'running').flatMap((c) => c.published));
  await checkPortsFree(s.config.file, wantedPorts(s, [...diff.added, ...diff.changed], diff.proxyChanged), ours);
  const oldCompose = await readOr(path.join(s.target.dir, COMPOSE_FILE));
  const oldCaddy = await readOr(path.join(s.target.dir, 'caddy', 'Caddyfile'));
  await removeContainers(diff.strayStandbys.map((c) => c.name));

  // 1. Start new functions and standbys of changed ones, beside what serves now.
  const standbys = diff.changed;
  const bridging = await renderStack(
    s,
    {
      compose: { standby: standbys },
      caddy: {
        upstreams: Object.fromEntries(
          standbys.map((f) => [f.name, [`${standbyServiceName(f.name)}:${FUNCTION_PORT}`]]),
        ),
      },
    },
    check,
  );
  const starting = [...diff.added.map((f) => f.name), ...standbys.map((f) => standbyServiceName(f.name))];
  if (starting.length > 0) {
    await writeStackFiles(s.target, { compose: bridging.compose, env: bridging.env });
    log(`starting ${starting.join(', ')}…`);
    const r = await run(composeUpServices(s.target, starting));
    if (r.exitCode !== 0) {
      const logs = await Promise.all(
        starting.map(async (n) => `--- ${n}\n${(await run(composeLogs(s.target, n, false, 15))).stdout.trim()}`),
      );
      await removeContainers(
        (await observeStack(s.target.project)).filter((c) => starting.includes(c.service)).map((c) => c.name),
      );
      if (oldCompose !== undefined) await writeStackFiles(s.target, { compose: oldCompose });
      throw new UserError(
        `new containers never became healthy; rolled back, the running functions keep serving\n${r.stderr.trim().split('\n').slice(-3).join('\n')}\n${logs.join('\n')}`,
        'fix the function (its image passed its tests, so check env and limits in faaso.yml), then run up again',
      );
    }
  }

  // 2. Route: new routes on, removed routes off, changed functions to their standby.
  if (bridging.caddyfile !== oldCaddy) await reload(s, proxy.name, bridging.caddyfile, oldCaddy, log);

  // 3. Replace changed primaries while standbys serve; then route back to them.
  if (standbys.length > 0) {
    const names = standbys.map((f) => f.name);
    log(`replacing ${names.join(', ')} (standby serving)…`);
    const r = await run(composeUpServices(s.target, names));
    if (r.exitCode !== 0) throw composeError(`recreating ${names.join(', ')} (the standby keeps serving)`, r.stderr);
    await reload(s, proxy.name, final.caddyfile, bridging.caddyfile, log);
    await removeContainers(
      (await observeStack(s.target.project)).filter((c) => c.role === 'standby').map((c) => c.name),
    );
  } else if (final.caddyfile !== bridging.caddyfile) {
    await reload(s, proxy.name, final.caddyfile, bridging.caddyfile, log);
  }
  await writeStackFiles(s.target, final);

  // 4. Functions no longer routed: Caddy already stopped sending them requests.
  if (diff.removed.length > 0) {
    log(`stopping ${diff.removed.map((c) => c.fn).join(', ')} (no longer routed)…`);
    await removeContainers(diff.removed.map((c) => c.name));
  }
  if (diff.proxyChanged) {
    log('proxy image, port or limits changed: recreating the proxy…');
    const r = await run(composeUpServices(s.target, [PROXY_SERVICE]));
    if (r.exitCode !== 0) throw composeError('recreating the proxy', r.stderr);
  }
}

export interface ApplySummary {
  diff: StackDiff;
}

/** Caddy checks new routes in the running proxy, unless it is about to be replaced by another image. */
async function checkerFor(s: PreparedStack, observed: ObservedContainer[], diff: StackDiff): Promise<CaddyCheck> {
  const proxy = observed.find((c) => c.role === 'proxy' || c.service === PROXY_SERVICE);
  if (diff.fresh || diff.proxyChanged || !proxy || proxy.status !== 'running')
    return caddyChecker({ image: s.plan.proxy.image });
  return caddyChecker({ container: proxy.name }, await readOr(path.join(s.target.dir, 'caddy', 'Caddyfile')));
}

export async function applyStack(s: PreparedStack, log: Log): Promise<ApplySummary> {
  const observed = await observeStack(s.target.project);
  const diff = diffStack(s.plan, observed);
  const check = await checkerFor(s, observed, diff);
  const final = await renderStack(s, {}, check);
  if (diff.fresh) await fresh(s, final, observed, log);
  else await update(s, final, diff, observed, check, log);
  return { diff };
}
