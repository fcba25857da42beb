// What the console's buttons do, in the background while the page polls their
// lines: restart a function (its replicas one at a time, each back and
// answering before the next, so a function with several keeps serving) and
// deploy one (what `up NAME` does, in this process: build it if its sources
// changed, then apply faaso.yml). Both wait their turn behind a running `up`.
import { randomBytes } from 'node:crypto';
import { run } from '../exec/runner.ts';
import { dockerRestart } from '../docker/argv.ts';
import { STOP_GRACE_SECONDS } from '../function/contract.ts';
import type { Project } from '../project.ts';
import { isHealthyReplica } from '../stack/inspect.ts';
import { upInProgress } from '../stack/lock.ts';
import { observeStack } from '../stack/observe.ts';
import { composeTarget, prepareStack } from '../stack/prepare.ts';
import { applyTarget } from '../stack/target.ts';
import { failureLine } from '../util/text.ts';
import { sleep } from '../util/sleep.ts';

export interface ActionRun {
  id: string;
  title: string;
  lines: string[];
  /** null while it runs. */
  ok: boolean | null;
  startedAt: number;
  endedAt: number | null;
}

const KEPT = 20;
const READY_TIMEOUT_MS = 90_000;

export interface Actions {
  start(kind: 'restart' | 'deploy', fn: string): ActionRun;
  get(id: string): ActionRun | undefined;
}

async function restartFunction(project: Project, fn: string, log: (l: string) => void): Promise<void> {
  const target = composeTarget(project.settings);
  const mine = (await observeStack(target.project))
    .filter((c) => c.role === 'function' && c.fn === fn)
    .sort((a, b) => a.number - b.number);
  if (mine.length === 0) throw new Error(`${fn} has no container: deploy it first`);
  for (const c of mine) {
    log(`${c.name}: restarting (drains for up to ${STOP_GRACE_SECONDS} s)…`);
    const r = await run(dockerRestart(c.id, STOP_GRACE_SECONDS), { timeoutMs: (STOP_GRACE_SECONDS + 60) * 1000 });
    if (r.exitCode !== 0) throw new Error(`${c.name}: docker restart failed: ${failureLine(r)}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const now = (await observeStack(target.project)).find((x) => x.id === c.id);
      if (now && isHealthyReplica(now)) break;
      if (Date.now() > deadline)
        throw new Error(`${c.name}: not healthy ${READY_TIMEOUT_MS / 1000} s after its restart`);
      await sleep(500);
    }
    log(`${c.name}: healthy again`);
  }
}

async function deployFunction(project: Project, fn: string, log: (l: string) => void): Promise<void> {
  const stack = await prepareStack(project, { build: true, only: [fn] }, log);
  await applyTarget(stack, log);
}

export function createActions(project: Project): Actions {
  const runs = new Map<string, ActionRun>();
  let queue: Promise<void> = Promise.resolve();
  return {
    start(kind, fn) {
      const a: ActionRun = {
        id: randomBytes(6).toString('hex'),
        title: kind === 'restart' ? `restart ${fn}` : `up ${fn}`,
        lines: [],
        ok: null,
        startedAt: Date.now(),
        endedAt: null,
      };
      runs.set(a.id, a);
      for (const old of [...runs.keys()].slice(0, -KEPT)) runs.delete(old);
      const log = (l: string): void => void a.lines.push(l);
      // One action at a time, like `up` itself.
      queue = queue.then(async () => {
        try {
          const holder = await upInProgress(composeTarget(project.settings));
          if (holder) throw new Error(`an \`up\` (pid ${holder.pid}) is applying changes: try again when it is done`);
          if (kind === 'restart') await restartFunction(project, fn, log);
          else await deployFunction(project, fn, log);
          a.ok = true;
          log('done');
        } catch (err) {
          a.ok = false;
          log(`failed: ${(err as Error)?.message ?? String(err)}`);
          const hint = (err as { hint?: string }).hint;
          if (hint) log(hint);
        } finally {
          a.endedAt = Date.now();
        }
      });
      return a;
    },
    get: (id) => runs.get(id),
  };
}
