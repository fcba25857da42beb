// The one executor of a Swarm rollout (swarm/steps.ts): each step becomes its
// commands (argv builders only), run through the one command runner. When the
// rollout fails, everything is put back as it ran before: Swarm has already
// rolled the failing service back (failure_action: rollback); the previous
// files are written again and deployed, so services that had moved on go back
// too; a first deploy that fails leaves nothing behind.
import { UserError } from '../../errors.ts';
import { run } from '../../exec/runner.ts';
import { failureLine } from '../../util/text.ts';
import type { ComposeTarget } from '../argv.ts';
import { removeStackFiles, writeStackFiles, type GeneratedFiles, type SwarmFiles } from '../files.ts';
import { listConfigs, removeConfigs, serviceTasks, stackDeploy, stackRm } from './argv.ts';
import { rolloutHint, stackVerdict, type Verdict } from './converge.ts';
import { ageSeconds, parseTasks, type SwarmService } from './inspect.ts';
import { observeCounts, observeServices } from './observe.ts';
import { waitRoutesLoaded } from './routes-loaded.ts';
import { SWARM_FILES, type SwarmStep, type SwarmStepPlan } from './steps.ts';

type Log = (line: string) => void;

export interface SwarmExecContext {
  target: ComposeTarget;
  files: SwarmFiles;
  /** The files as they were, put back on a failure. */
  previous: GeneratedFiles;
  /** The stack's services before the deploy. */
  before: readonly SwarmService[];
  log: Log;
  /** The proxy's published port on every node. */
  proxyPort: number;
  /** How long a rollout may take (image pulls on every node included). */
  timeoutMs?: number;
}

const ROLLOUT_TIMEOUT_MS = 300_000;
const POLL_MS = 500;
/** At most one progress line this often. */
const PROGRESS_MS = 3_000;

class RolloutFailure extends Error {}

async function deploy(target: ComposeTarget): Promise<void> {
  const r = await run(stackDeploy(target), { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new RolloutFailure(`docker stack deploy failed: ${failureLine(r)}`);
}

/** The errors of a service's tasks of the last `seconds`: why this rollout's tasks did not run. */
async function taskErrors(service: string, seconds: number): Promise<string[]> {
  const r = await run(serviceTasks(service), { timeoutMs: 30_000 });
  if (r.exitCode !== 0) return [];
  const errors = parseTasks(r.stdout).filter((t) => t.error && ageSeconds(t.since) <= seconds);
  return [...new Set(errors.map((t) => `${t.name} on ${t.node}: ${t.error}`))].slice(0, 3);
}

/** Polls until the rollout is done, failed, or out of time; logs progress now and then. */
async function converge(ctx: SwarmExecContext, updated: readonly string[]): Promise<void> {
  const before = new Map(ctx.before.map((s) => [s.short, s.update?.startedAt ?? '']));
  const started = Date.now();
  const deadline = Date.now() + (ctx.timeoutMs ?? ROLLOUT_TIMEOUT_MS);
  let said = 0;
  let verdict: Verdict = { kind: 'waiting', why: 'no services yet' };
  let services: SwarmService[] = [];
  while (Date.now() < deadline) {
    services = await observeServices(ctx.target.project);
    const counts = await observeCounts(ctx.target.project);
    verdict = stackVerdict(
      services.map((service) => ({
        service,
        counts: counts.get(service.name),
        before: before.get(service.short) ?? '',
        updated: updated.includes(service.short),
      })),
    );
    if (verdict.kind === 'done') {
      if (services.length > 0) return;
      verdict = { kind: 'waiting', why: 'no services yet' };
    }
    if (verdict.kind === 'failed') break;
    if (Date.now() - said >= PROGRESS_MS) {
      ctx.log(`swarm: waiting — ${verdict.why}`);
      said = Date.now();
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const why =
    verdict.kind === 'failed'
      ? verdict.why
      : `not done after ${Math.round((ctx.timeoutMs ?? ROLLOUT_TIMEOUT_MS) / 1000)} s: ${verdict.why}`;
  const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
  const errors = (await Promise.all(services.map((s) => taskErrors(s.name, seconds)))).flat();
  throw new RolloutFailure(`the rollout failed: ${why}${errors.length > 0 ? `\n${errors.join('\n')}` : ''}`);
}

async function pruneConfigs(target: ComposeTarget, keep: readonly string[]): Promise<void> {
  for (const kind of ['config', 'secret'] as const) {
    const r = await run(listConfigs(target.project, kind), { timeoutMs: 30_000 });
    const unused = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((n) => n && !keep.includes(n));
    // One a task still uses cannot go: it is left for the next rollout to prune.
    if (unused.length > 0) await run(removeConfigs(unused, kind), { timeoutMs: 30_000 });
  }
}

async function runStep(step: SwarmStep, ctx: SwarmExecContext): Promise<void> {
  switch (step.kind) {
    case 'write':
      return writeStackFiles(
        ctx.target,
        Object.fromEntries(step.files.map((f) => [f, ctx.files[f as keyof SwarmFiles]])),
      );
    case 'remove-files':
      return removeStackFiles(ctx.target, step.files);
    case 'deploy':
      return deploy(ctx.target);
    case 'converge':
      return converge(ctx, step.updated);
    case 'routes-loaded':
      return waitRoutesLoaded(step.version, ctx.proxyPort, ctx.log);
    case 'prune-configs':
      return pruneConfigs(ctx.target, step.keep);
  }
}

/** After a failure: what ran before runs again, and the files say so. */
async function putBack(ctx: SwarmExecContext): Promise<string> {
  if (ctx.before.length === 0) {
    await run(stackRm(ctx.target.project), { timeoutMs: 120_000 });
    await removeStackFiles(
      ctx.target,
      SWARM_FILES.filter((f) => ctx.previous[f] === undefined),
    );
    await writeStackFiles(ctx.target, ctx.previous);
    return 'removed the stack: nothing ran before';
  }
  await writeStackFiles(ctx.target, ctx.previous);
  if (ctx.previous.stack === undefined)
    return 'Swarm rolled the failing service back; compose/stack.yml was missing, so other services were left as they are';
  try {
    await deploy(ctx.target);
    await converge(ctx, []);
    return 'rolled back: the services run what they ran before';
  } catch (err) {
    return `rolling back failed too: ${(err as Error).message}`;
  }
}

export async function executeSwarmPlan(plan: SwarmStepPlan, ctx: SwarmExecContext): Promise<void> {
  try {
    for (const step of plan.steps) await runStep(step, ctx);
  } catch (err) {
    if (!(err instanceof RolloutFailure)) throw err;
    ctx.log('the rollout failed: putting back what ran before…');
    const outcome = await putBack(ctx);
    throw new UserError(`${err.message}\n${outcome}`, rolloutHint(err.message));
  }
}
