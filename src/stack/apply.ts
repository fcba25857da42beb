// `up`'s shell around the pure core: observe what runs, diff it with the plan,
// render and check the new files, plan the steps (steps.ts), and hand them to
// the one executor (execute.ts). Deciding and doing stay apart: nothing here
// runs a command but the observation, the checks and the executor.
import path from 'node:path';
import { checkPortsFree, type PortWanted } from './port-check.ts';
import { COMPOSE_FILE } from './argv.ts';
import { readComposeServices } from './compose-file.ts';
import { diffStack, type StackDiff } from './diff.ts';
import { executePlan } from './execute.ts';
import { caddyChecker, imageCheck, readStackFiles, renderStack, type CaddyCheck, type StackFiles } from './files.ts';
import type { ContainerObservation } from './inspect.ts';
import { acquireUpLock } from './lock.ts';
import { observeStack } from './observe.ts';
import type { PreparedStack } from './prepare.ts';
import { pruneStackSecrets, writeStackSecrets } from './secrets.ts';
import { planSteps, type StepPlan } from './steps.ts';

type Log = (line: string) => void;

export interface ApplySummary {
  diff: StackDiff;
  plan: StepPlan;
}

/** Host ports this apply will publish that no container of this stack publishes yet. */
function wantedPorts(s: PreparedStack, diff: StackDiff): PortWanted[] {
  const wanted: PortWanted[] = [];
  if (diff.fresh || diff.proxyChanged) {
    const tls = s.plan.proxy.tls;
    wanted.push({ port: s.plan.proxy.port, bind: s.plan.bind, field: tls ? 'proxy.tls.http_port' : 'proxy.port' });
    if (tls) wanted.push({ port: tls.httpsPort, bind: s.plan.bind, field: 'proxy.tls.https_port' });
  }
  if (diff.fresh || diff.portsChanged) {
    for (const f of s.plan.services)
      wanted.push({ port: f.port, bind: s.plan.bind, field: `functions.${f.name}.port` });
  }
  return wanted;
}

/** Caddy checks new routes in the running proxy, unless it is about to be replaced by another image. */
function checkerFor(
  s: PreparedStack,
  observed: readonly ContainerObservation[],
  diff: StackDiff,
  previous: Partial<StackFiles>,
): CaddyCheck {
  const proxy = observed.find((c) => c.role === 'proxy');
  if (diff.fresh || diff.proxyChanged || !proxy || proxy.status !== 'running')
    return caddyChecker(imageCheck(s.plan, s.settings.root));
  // Both Caddyfiles as they are on disk were checked by this Caddy image before they were written.
  return caddyChecker({ container: proxy.name }, [previous.caddyfile, previous.ports]);
}

/** Per function, the config its replicas had under the previous compose file: what a rollback starts again. */
function previousConfigs(previous: Partial<StackFiles>, dir: string): Map<string, string> {
  if (previous.compose === undefined) return new Map();
  try {
    const services = readComposeServices(previous.compose, path.join(dir, COMPOSE_FILE));
    return new Map(services.filter((s) => s.role === 'function').map((s) => [s.fn, s.config]));
  } catch {
    return new Map(); // unreadable: nothing to restart from, rollbacks only remove new replicas
  }
}

export async function applyStack(s: PreparedStack, log: Log): Promise<ApplySummary> {
  const release = await acquireUpLock(s.target);
  try {
    const observed = await observeStack(s.target.project);
    const diff = diffStack(s.plan, observed);
    const previous = await readStackFiles(s.target);
    // New versions of secrets are new files beside the old ones: nothing running reads them yet.
    const secretFiles = await writeStackSecrets(s.plan, s.secrets);
    const files = await renderStack(s, checkerFor(s, observed, diff, previous));
    const ours = new Set(observed.filter((c) => c.status === 'running').flatMap((c) => c.published));
    await checkPortsFree(s.config.file, wantedPorts(s, diff), ours);
    const plan = planSteps(diff, {
      routes: files.caddyfile !== previous.caddyfile,
      ports: files.ports !== previous.ports,
    });
    if (diff.fresh) log(`starting ${s.plan.services.length} function(s), the proxy and the ports listener…`);
    await executePlan(plan, {
      target: s.target,
      files,
      previous,
      before: observed,
      previousConfigs: previousConfigs(previous, s.target.dir),
      log,
    });
    await pruneStackSecrets(s.secrets, secretFiles);
    return { diff, plan };
  } finally {
    await release();
  }
}
