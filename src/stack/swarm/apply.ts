// `up`'s shell for target: swarm, around the same pure core as compose's:
// observe the stack's services, diff them with the plan, render and check the
// files, plan the steps (swarm/steps.ts) and hand them to the one Swarm
// executor (swarm/execute.ts).
import { UserError } from '../../errors.ts';
import {
  caddyAdapter,
  caddyChecker,
  imageCheck,
  readStackFiles,
  renderSwarmFiles,
  type FileKey,
  type SwarmFiles,
} from '../files.ts';
import { routesVersion } from '../render/caddyfile.ts';
import { acquireUpLock } from '../lock.ts';
import { observeStack } from '../observe.ts';
import type { PreparedStack } from '../prepare.ts';
import { SWARM_LOSSES } from '../render/swarm.ts';
import { pruneStackSecrets, writeStackSecrets } from '../secrets.ts';
import { diffSwarmStack, plannedConfigs, type SwarmDiff } from './diff.ts';
import { executeSwarmPlan } from './execute.ts';
import { observeServices, requireManager } from './observe.ts';
import { planSwarmSteps, type SwarmStepPlan } from './steps.ts';

type Log = (line: string) => void;

export interface SwarmApplySummary {
  diff: SwarmDiff;
  plan: SwarmStepPlan;
}

/** A compose stack of the same project on this engine would hold the same ports. */
async function refuseComposeStack(s: PreparedStack): Promise<void> {
  const containers = await observeStack(s.target.project);
  if (containers.some((c) => c.status === 'running'))
    throw new UserError(
      `${s.config.file}: target: swarm, but the compose stack ${s.target.project} runs on this engine (${containers.length} container(s))`,
      `stop it first: docker compose -p ${s.target.project} down (or set target: compose and run npx zx scripts/down.mjs)`,
    );
}

export async function applySwarmStack(s: PreparedStack, log: Log): Promise<SwarmApplySummary> {
  await requireManager(s.config.file);
  const release = await acquireUpLock(s.target);
  try {
    await refuseComposeStack(s);
    const before = await observeServices(s.target.project);
    const previous = await readStackFiles(s.target);
    // `docker stack deploy` makes Swarm secrets of these files; the Caddyfiles are checked with them.
    const secretFiles = await writeStackSecrets(s.plan, s.secrets);
    // Checked by the local Caddy image (no proxy task need run on this node); texts on disk were checked before.
    const caddy = imageCheck(s.plan, s.settings.root, s.proxyImage);
    const check = caddyChecker(caddy, [previous.caddyfile, previous.ports]);
    const files = await renderSwarmFiles(s.plan, check, caddyAdapter(caddy), previous);
    const diff = diffSwarmStack(s.plan, before, files.routesJson);
    const changed = (Object.keys(files) as (keyof SwarmFiles)[]).filter((k) => files[k] !== previous[k]) as FileKey[];
    const version = routesVersion(files.caddyfile) ?? '';
    const plan = planSwarmSteps(diff, changed, plannedConfigs(s.plan, files.routesJson), version);
    if (plan.steps.some((step) => step.kind === 'deploy')) {
      if (diff.fresh)
        log(
          `deploying stack ${s.target.project} on the Swarm: ${s.plan.services.length} function(s), the proxy and the ports listener on every node…`,
        );
      log(`note: Swarm cannot apply ${SWARM_LOSSES.join(', ')}; every other hardening setting applies`);
      if (plan.proxiesRestart)
        log(
          'proxies: their image, limits or ports changed; Swarm restarts them one node at a time (each node’s ports are down for a moment)',
        );
    }
    await executeSwarmPlan(plan, { target: s.target, files, previous, before, log, proxyPort: s.plan.proxy.port });
    await pruneStackSecrets(s.secrets, secretFiles);
    return { diff, plan };
  } finally {
    await release();
  }
}
