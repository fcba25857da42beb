// Waits until new replicas answer their /ping (polled directly at each
// container's address, every 100 ms: a healthcheck every 2 s would make every
// update seconds slower), and gives up early on one that crashed.
import { run } from '../exec/runner.ts';
import { dockerLogs } from '../docker/argv.ts';
import { UP_STATES, type ContainerObservation } from './inspect.ts';
import { observeStack } from './observe.ts';
import { httpRequest } from '../util/http-request.ts';

export interface ReadyQuery {
  project: string;
  fn: string;
  config: string;
  /** Containers that existed before: not the ones being waited for. */
  except: readonly string[];
  count: number;
  timeoutMs: number;
  /** How the stack is observed; waits running side by side pass one shared (sharedObservation). */
  observe?: () => Promise<ContainerObservation[]>;
}

export type ReadyResult = { ok: true; containers: string[] } | { ok: false; why: string; logs: string };

const POLL_MS = 100;
/** Docker is asked which containers exist every this often; between, only the /ping URLs are polled. */
const OBSERVE_MS = 1000;
const PING_TIMEOUT_MS = 1000;

async function answers(url: string): Promise<boolean> {
  try {
    return (await httpRequest(url, { timeoutMs: PING_TIMEOUT_MS })).status === 200;
  } catch {
    return false;
  }
}

/** A new replica that already exited or was restarted by Docker will not get better by waiting. */
function crashed(c: ContainerObservation): string | null {
  if (c.restarts > 0) return `${c.name} crashed and was restarted by Docker (exit code ${c.exitCode})`;
  if (!UP_STATES.has(c.status) && c.status !== 'created') {
    return `${c.name} is ${c.status} (exit code ${c.exitCode}${c.oomKilled ? ', out of memory' : ''})`;
  }
  return null;
}

async function tail(container: string): Promise<string> {
  const r = await run(dockerLogs(container, 15), { timeoutMs: 10_000 });
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * One observation of the stack for every wait that asks within OBSERVE_MS of the
 * last: a whole stack starting at once would otherwise ask Docker once per
 * function each second.
 */
export function sharedObservation(project: string): () => Promise<ContainerObservation[]> {
  let last: { at: number; observed: Promise<ContainerObservation[]> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= OBSERVE_MS) last = { at: Date.now(), observed: observeStack(project) };
    return last.observed;
  };
}

export async function waitReady(q: ReadyQuery): Promise<ReadyResult> {
  const deadline = Date.now() + q.timeoutMs;
  const ready = new Set<string>();
  let candidates: ContainerObservation[] = [];
  let observedAt = 0;
  const observe = q.observe ?? (() => observeStack(q.project));
  for (;;) {
    if (Date.now() - observedAt >= OBSERVE_MS) {
      observedAt = Date.now();
      candidates = (await observe()).filter(
        (c) => c.role === 'function' && c.fn === q.fn && c.config === q.config && !q.except.includes(c.id),
      );
      for (const c of candidates) {
        const why = crashed(c);
        if (why) return { ok: false, why, logs: await tail(c.id) };
      }
    }
    const waiting = candidates.filter((c) => !ready.has(c.id) && c.pingUrl);
    const answered = await Promise.all(waiting.map(async (c) => ((await answers(c.pingUrl!)) ? c.id : null)));
    for (const id of answered) if (id) ready.add(id);
    if (ready.size >= q.count) return { ok: true, containers: [...ready].sort() };
    if (Date.now() >= deadline) {
      const slow = candidates.find((c) => !ready.has(c.id));
      const why = `${ready.size} of ${q.count} new replica(s) answered /ping within ${Math.round(q.timeoutMs / 1000)} s`;
      return { ok: false, why, logs: slow ? await tail(slow.id) : '' };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
