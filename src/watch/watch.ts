// The watcher's shell: every interval, read the compose file and `up`'s lock,
// observe the project's containers (one `docker ps` + one `docker inspect`),
// ping each function replica, let decide.ts choose, carry the actions out and
// print what happened.
// It survives Docker going away, the compose file vanishing (down), and stops
// cleanly on abort (SIGINT/SIGTERM) after the action at hand.
import fs from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { COMPOSE_FILE, type ComposeTarget } from '../stack/argv.ts';
import { upInProgress } from '../stack/lock.ts';
import { actionArgv, actionVerb } from './argv.ts';
import { observeContainers } from '../stack/observe.ts';
import {
  brokenReplicas,
  brokenSummary,
  decide,
  emptyMemory,
  UP_STATES,
  type ContainerObservation,
  type ExpectedService,
  type WatchMemory,
  type WatchThresholds,
} from './decide.ts';
import { formatEvent, type OutputEvent } from './format.ts';
import { failureLine } from '../util/text.ts';
import { sleep } from '../util/sleep.ts';
import { expectedServices } from './parse.ts';

export interface WatchOptions {
  /** Compose folder and project name (tests use their own, never the real stack). */
  target: ComposeTarget;
  intervalMs: number;
  /** One check (plus waiting for what it started), then exit. */
  once: boolean;
  json: boolean;
  thresholds: WatchThresholds;
  /** --once: how long to wait for started/restarted services to become healthy. */
  settleTimeoutMs?: number;
  /** Where lines go (default stdout). */
  out?: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM; its reason is printed. */
  signal?: AbortSignal;
}

const ACTION_TIMEOUT_MS = 120_000;
/** A function that cannot answer /ping within this is as good as hung. */
export const PING_TIMEOUT_MS = 1000;

/**
 * Asks every running function's /ping directly, in parallel: Docker's own probe
 * (every 2 s, 2 s timeout) tells a hang only seconds later. Containers still in
 * their start period are left to Docker.
 */
export async function probeFunctions(
  containers: ContainerObservation[],
  timeoutMs: number,
): Promise<ContainerObservation[]> {
  return Promise.all(
    containers.map(async (c) => {
      if (!c.pingUrl || c.status !== 'running' || c.health === 'starting') return c;
      try {
        const res = await fetch(c.pingUrl, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return { ...c, pingFailed: res.status !== 200 };
      } catch {
        return { ...c, pingFailed: true };
      }
    }),
  );
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))}s`;

/** Runs until aborted (or one check with `once`); returns the exit code. */
export async function watchStack(opts: WatchOptions): Promise<number> {
  const { target, thresholds: t } = opts;
  const file = path.join(target.dir, COMPOSE_FILE);
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith('..') ? rel : file;
  const write = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emit = (e: Omit<OutputEvent, 'at'>): void =>
    write(formatEvent({ at: Date.now(), ...e }, target.project, opts.json));

  const readStack = async (): Promise<{ expected: ExpectedService[]; changedAt: number } | { error: string }> => {
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      return { expected: expectedServices(text, shown), changedAt: stat.mtimeMs };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { error: e.code === 'ENOENT' ? `${shown} is gone` : e.message };
    }
  };

  const first = await readStack();
  if ('error' in first) {
    if (first.error.endsWith('is gone'))
      throw new UserError(`no stack: ${shown} does not exist`, 'run npx zx scripts/up.mjs first');
    throw new UserError(`cannot read ${shown}: ${first.error}`, 'regenerate it: npx zx scripts/compose.mjs');
  }
  const names =
    first.expected.map((e) => (e.replicas === 1 ? e.service : `${e.service} ×${e.replicas}`)).join(', ') ||
    'no services';
  emit({
    service: null,
    kind: 'watching',
    message: `${opts.once ? 'checking once' : `watching every ${seconds(opts.intervalMs)}`}: ${names} (${shown}); restart after ${t.unhealthyChecks} failing check(s), back off after ${t.crashRestarts} restarts in ${seconds(t.crashWindowMs)}`,
  });

  let memory: WatchMemory = emptyMemory();
  let dockerDown = false;
  let stackGone = false;

  /** One check; returns what it saw, or null if there was nothing to look at. */
  const check = async (): Promise<{
    expected: ExpectedService[];
    acted: number;
    observed: ContainerObservation[];
  } | null> => {
    const stack = await readStack();
    if ('error' in stack) {
      if (!stackGone) emit({ service: null, kind: 'no-stack', message: `${stack.error}: waiting for \`up\`` });
      stackGone = true;
      return null;
    }
    if (stackGone) emit({ service: null, kind: 'stack-file-back', message: `${shown} is back: watching` });
    stackGone = false;
    const seen = await observeContainers(target.project);
    if (!seen.ok) {
      if (opts.once)
        throw new UserError(
          `Docker is not reachable (${seen.error})`,
          'start your Docker engine, or run `npx zx scripts/setup.mjs`',
        );
      if (!dockerDown)
        emit({
          service: null,
          kind: 'docker-unreachable',
          message: `Docker is not reachable (${seen.error}): retrying every ${seconds(opts.intervalMs)}`,
        });
      dockerDown = true;
      return null;
    }
    if (dockerDown) emit({ service: null, kind: 'docker-back', message: 'Docker is reachable again: watching' });
    dockerDown = false;
    const holder = await upInProgress(target);
    // While `up` works nothing is acted upon: no need to ping replicas it may be draining.
    const observed = holder
      ? seen.containers
      : await probeFunctions(seen.containers, Math.min(PING_TIMEOUT_MS, opts.intervalMs));
    const decision = decide(
      {
        expected: stack.expected,
        observed,
        now: Date.now(),
        composeChangedAt: stack.changedAt,
        upInProgress: holder ? { pid: holder.pid } : null,
      },
      memory,
      t,
    );
    memory = decision.memory;
    for (const e of decision.events) emit(e);
    let acted = 0;
    for (const a of decision.actions) {
      // Finish the action at hand on SIGINT/SIGTERM, start no new one; nor
      // once `up` has started meanwhile (the next check says so).
      if (opts.signal?.aborted || (await upInProgress(target))) break;
      const started = Date.now();
      let failure = '';
      for (const step of actionArgv(target, a)) {
        const r = await run(step.argv, { timeoutMs: ACTION_TIMEOUT_MS });
        if (r.exitCode !== 0 && !step.mayFail) {
          failure = failureLine(r);
          break;
        }
      }
      const took = (Date.now() - started) / 1000;
      acted += 1;
      const who = { service: a.service, ...(a.replica !== undefined ? { replica: a.replica } : {}) };
      emit(
        failure
          ? {
              ...who,
              kind: 'action-failed',
              message: `${a.reason} → ${a.kind} failed after ${took.toFixed(1)}s: ${failure}`,
              seconds: took,
              ok: false,
            }
          : {
              ...who,
              kind: 'action',
              message: `${a.reason} → ${actionVerb(a)} (${took.toFixed(1)}s)`,
              seconds: took,
              ok: true,
            },
      );
    }
    return { expected: stack.expected, acted, observed };
  };

  if (opts.once) return finishOnce(await check(), opts, emit);
  while (!opts.signal?.aborted) {
    const started = Date.now();
    try {
      await check();
    } catch (err) {
      // A long-lived watcher outlives surprises (a compose file caught mid-edit,
      // odd docker output): say what happened, try again next interval.
      emit({ service: null, kind: 'error', message: `check failed: ${(err as Error)?.message ?? String(err)}` });
    }
    // Checks start every interval: a check slowed by a hung function's ping
    // timeout (or a busy Docker) does not push the next one a whole interval out.
    await sleep(Math.max(0, opts.intervalMs - (Date.now() - started)), opts.signal);
  }
  emit({
    service: null,
    kind: 'stopped',
    message: `stopped${opts.signal?.reason ? ` (${String(opts.signal.reason)})` : ''}`,
  });
  return 0;
}

/** Still settling: Docker restarting it, its healthcheck not decided yet, or just created. */
const transitional = (c: ContainerObservation | undefined): boolean =>
  !!c && (c.status === 'restarting' || c.status === 'created' || (c.status === 'running' && c.health === 'starting'));

/** --once: wait (bounded) for what was started or is settling, then 0 if every wanted replica is healthy, else 1. */
async function finishOnce(
  result: { expected: ExpectedService[]; acted: number; observed: ContainerObservation[] } | null,
  opts: WatchOptions,
  emit: (e: Omit<OutputEvent, 'at'>) => void,
): Promise<number> {
  if (!result) return 1;
  const { expected } = result;
  let observed = result.observed;
  const deadline = Date.now() + (opts.settleTimeoutMs ?? 30_000);
  let broken = brokenReplicas(expected, observed, opts.thresholds);
  const settling = (): boolean => result.acted > 0 || broken.some((b) => transitional(b.container));
  const down = !observed.some((c) => UP_STATES.has(c.status));
  while (!down && broken.length > 0 && settling() && Date.now() < deadline && !opts.signal?.aborted) {
    await sleep(1000, opts.signal);
    const seen = await observeContainers(opts.target.project);
    if (!seen.ok) break;
    observed = seen.containers;
    broken = brokenReplicas(expected, observed, opts.thresholds);
  }
  if (broken.length === 0) return 0;
  emit({
    service: null,
    kind: 'summary',
    message: brokenSummary(broken),
    ok: false,
  });
  return 1;
}
