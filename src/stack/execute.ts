// The one executor of a StepPlan: each step becomes its commands (argv builders
// only), run through the one command runner. The functions phase runs its
// tracks side by side; when a step fails there, every touched function is put
// back as it was (steps.ts rollbackTrack) with the previous compose file, and
// nothing after that phase runs: routes, removals and proxies stay as they were.
import { UserError } from '../errors.ts';
import { run, type RunResult } from '../exec/runner.ts';
import { dockerRm, dockerStop } from '../docker/argv.ts';
import { STOP_GRACE_SECONDS } from '../function/contract.ts';
import { failureLine } from '../util/text.ts';
import { runPool } from '../util/pool.ts';
import {
  caddyfileInContainer,
  composeDown,
  composeRecreate,
  composeScale,
  composeUpServices,
  type ComposeTarget,
} from './argv.ts';
import { PORTS_SERVICE, PROXY_SERVICE } from './config/rules.ts';
import { writeStackFiles, type StackFiles } from './files.ts';
import { UP_STATES, type ContainerObservation } from './inspect.ts';
import { observeStack } from './observe.ts';
import { reloadProxy } from './proxy.ts';
import { sharedObservation, waitReady } from './ready.ts';
import { DNS_REFRESH_MS } from './render/caddyfile.ts';
import { rollbackTrack, type Step, type StepPlan } from './steps.ts';

type Log = (line: string) => void;

export interface ExecContext {
  target: ComposeTarget;
  /** The new files, written by `write` and `reload` steps. */
  files: StackFiles;
  /** The files as they were, put back on a rollback. */
  previous: Partial<StackFiles>;
  /** Every container of the project before the plan ran. */
  before: readonly ContainerObservation[];
  /** Per function, the config label of its replicas in the previous compose file. */
  previousConfigs: ReadonlyMap<string, string>;
  log: Log;
  /** How long a new replica may take to answer /ping. */
  readyTimeoutMs?: number;
  /** Tracks run side by side in the functions phase. */
  jobs?: number;
}

/** A step that failed: what it was doing and why, with the logs that explain it. */
class StepFailure extends Error {
  constructor(
    readonly step: Step,
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

/** Long enough for the proxies' DNS view (refreshed every DNS_REFRESH_MS) to include a new replica. */
export const ROTATE_MS = DNS_REFRESH_MS + 200;
const READY_TIMEOUT_MS = 60_000;
/** A whole stack starting at once on a small machine: as long as compose's own wait allowed. */
const START_TIMEOUT_MS = 180_000;

async function checked(step: Step, argv: string[], what: string): Promise<RunResult> {
  const r = await run(argv, { timeoutMs: 300_000 });
  if (r.exitCode !== 0)
    throw new StepFailure(step, `${what} failed: ${failureLine(r)}`, r.stderr.trim().split('\n').slice(-6).join('\n'));
  return r;
}

/** Per proxy a `reload` step reloads: its Caddyfile among the stack files, and how messages name it and what it serves. */
const RELOADED = {
  proxy: { file: 'caddyfile', name: 'proxy', what: 'routes' },
  ports: { file: 'ports', name: 'ports listener', what: "functions' own ports" },
} as const;

const short = (ids: readonly string[]): string => ids.map((id) => id.slice(0, 12)).join(', ');

async function runStep(step: Step, ctx: ExecContext): Promise<void> {
  const { target, log } = ctx;
  switch (step.kind) {
    case 'write':
      return writeStackFiles(target, Object.fromEntries(step.files.map((f) => [f, ctx.files[f]])));
    case 'remove':
      if (step.containers.length > 0)
        await checked(step, dockerRm(...step.containers), `removing ${short(step.containers)}`);
      return;
    case 'start':
      await checked(step, composeScale(target, step.fn, step.scale), `starting ${step.fn} (${step.scale} replica(s))`);
      return;
    case 'ready': {
      const r = await waitReady({
        project: target.project,
        fn: step.fn,
        config: step.config,
        except: step.except,
        count: step.count,
        timeoutMs: ctx.readyTimeoutMs ?? READY_TIMEOUT_MS,
      });
      if (!r.ok) throw new StepFailure(step, `${step.fn}: the new replica never became ready: ${r.why}`, r.logs);
      return;
    }
    case 'rotate':
      await new Promise((res) => setTimeout(res, ROTATE_MS));
      return;
    case 'drain':
      if (step.containers.length === 0) return;
      log(`${step.fn}: draining ${short(step.containers)}…`);
      await checked(step, dockerStop(step.containers, STOP_GRACE_SECONDS), `stopping ${short(step.containers)}`);
      return;
    case 'reload': {
      const { service } = step;
      const { file, name, what } = RELOADED[service];
      const proxy = (await observeStack(target.project)).find((c) => c.role === service && c.status === 'running');
      if (!proxy) throw new StepFailure(step, `the ${name} is not running`);
      await writeStackFiles(target, { [file]: ctx.files[file] });
      const res = await reloadProxy(proxy.name, { config: caddyfileInContainer(service) });
      if (!res.ok) {
        if (ctx.previous[file] !== undefined) await writeStackFiles(target, { [file]: ctx.previous[file] });
        throw new UserError(
          `Caddy refused the new config of the ${what}: ${res.error}`,
          `the previous config keeps serving`,
        );
      }
      log(`${service}: ${what} reloaded in ${res.ms} ms`);
      return;
    }
    case 'recreate':
      log(
        `${step.service}: recreating it (${step.why}); ${step.service === 'proxy' ? 'routes are' : "the functions' own ports are"} down for a moment…`,
      );
      await checked(step, composeRecreate(target, step.service), `recreating the ${step.service}`);
      return;
    case 'start-all':
      return startAll(step, ctx);
  }
}

/** Nothing was serving before: a stack that cannot start leaves nothing half-started behind. */
async function startAll(step: Extract<Step, { kind: 'start-all' }>, ctx: ExecContext): Promise<void> {
  const { target } = ctx;
  const failed = async (message: string, detail: string): Promise<never> => {
    await run(composeDown(target));
    throw new StepFailure(step, message, detail);
  };
  // The functions first (they create the network), then both proxies beside them.
  for (const services of [step.functions.map((f) => f.fn), [PROXY_SERVICE, PORTS_SERVICE]]) {
    const r = await run(composeUpServices(target, services), { timeoutMs: 600_000 });
    if (r.exitCode !== 0)
      await failed(`starting the stack failed: ${failureLine(r)}`, r.stderr.trim().split('\n').slice(-6).join('\n'));
  }
  const observe = sharedObservation(target.project);
  const results = await Promise.all(
    step.functions.map((f) =>
      waitReady({
        observe,
        project: target.project,
        fn: f.fn,
        config: f.config,
        except: [],
        count: f.count,
        timeoutMs: ctx.readyTimeoutMs ?? START_TIMEOUT_MS,
      }),
    ),
  );
  for (const [i, r] of results.entries())
    if (!r.ok) await failed(`${step.functions[i]!.fn} never became ready: ${r.why}`, r.logs);
}

async function runTrack(steps: readonly Step[], ctx: ExecContext, aborted: () => boolean): Promise<void> {
  for (const step of steps) {
    if (aborted()) return;
    await runStep(step, ctx);
  }
}

/** Puts every touched function back: the previous files, then per function its old replicas back and the new ones out. */
async function rollBack(plan: StepPlan, ctx: ExecContext): Promise<string[]> {
  await writeStackFiles(ctx.target, {
    compose: ctx.previous.compose,
    env: ctx.previous.env,
    ports: ctx.previous.ports,
  });
  const now = await observeStack(ctx.target.project);
  const tracks = plan.touched.map((fn) => {
    const before = ctx.before.filter((c) => c.role === 'function' && c.fn === fn && UP_STATES.has(c.status));
    const mine = now
      .filter((c) => c.role === 'function' && c.fn === fn)
      .map((c) => ({ id: c.id, running: UP_STATES.has(c.status) }));
    return rollbackTrack(fn, before, mine, ctx.previousConfigs.get(fn) ?? '');
  });
  const results = await runPool(tracks, ctx.jobs ?? 4, (t) => runTrack(t, ctx, () => false));
  return results.flatMap((r, i) => (r.ok ? [] : [`${plan.touched[i]}: ${(r.error as Error).message}`]));
}

function describe(err: unknown): string {
  if (err instanceof StepFailure) return err.detail ? `${err.message}\n${err.detail}` : err.message;
  return (err as Error)?.message ?? String(err);
}

export async function executePlan(plan: StepPlan, ctx: ExecContext): Promise<void> {
  for (const phase of plan.phases) {
    if (phase.name !== 'functions') {
      try {
        for (const track of phase.tracks) await runTrack(track, ctx, () => false);
      } catch (err) {
        // A failed step says what Docker or Caddy said: the user's to act on, not a bug.
        if (err instanceof StepFailure) throw new UserError(describe(err), 'fix what it names, then run up again');
        throw err;
      }
      continue;
    }
    let failed = false;
    const results = await runPool(phase.tracks, ctx.jobs ?? 4, async (track) => {
      try {
        await runTrack(track, ctx, () => failed);
      } catch (err) {
        failed = true;
        throw err;
      }
    });
    const errors = results.flatMap((r) => (r.ok ? [] : [r.error]));
    if (errors.length === 0) continue;
    ctx.log(`rolling back ${plan.touched.join(', ')}…`);
    const undone = await rollBack(plan, ctx);
    const bug = errors.find((e) => !(e instanceof StepFailure));
    if (bug !== undefined) throw bug;
    throw new UserError(
      `${errors.map(describe).join('\n')}\nrolled back: the replicas that ran before serve as before${undone.length > 0 ? `, except:\n${undone.join('\n')}` : ''}`,
      'fix the function (its image passed its tests, so check env and limits in faaso.yml), then run up again',
    );
  }
}
