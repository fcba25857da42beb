// Pure: is a stack's rollout over, and did it work? Read from each service's
// UpdateStatus and its running/wanted task count (a task with a healthcheck
// counts as running only once it is healthy). And what to tell the user when not.
import type { SwarmService } from './inspect.ts';

export type Verdict = { kind: 'done' } | { kind: 'waiting'; why: string } | { kind: 'failed'; why: string };

export interface ServiceState {
  service: SwarmService;
  /** From `docker service ls`; undefined when Swarm has not listed it yet. */
  counts?: { running: number; wanted: number };
  /** Its UpdateStatus.StartedAt before the deploy ('' when it had none). */
  before: string;
  /** Its spec changed: a new rollout must start and complete. */
  updated: boolean;
}

/** Rollout states that end in the previous spec, or stop half-way. */
const FAILED = new Set(['rollback_completed', 'rollback_paused', 'paused']);
const RUNNING = new Set(['updating', 'rollback_started']);

export function serviceVerdict(s: ServiceState): Verdict {
  const name = s.service.short;
  const u = s.service.update;
  if (s.updated) {
    if (!u || u.startedAt === s.before) return { kind: 'waiting', why: `${name}: rollout not started yet` };
    if (FAILED.has(u.state)) {
      const state = u.state.replace('_', ' ');
      return { kind: 'failed', why: `${name}: ${state}${u.message && u.message !== state ? ` (${u.message})` : ''}` };
    }
    if (RUNNING.has(u.state)) return { kind: 'waiting', why: `${name}: ${u.state}` };
  }
  const c = s.counts;
  if (!c) return { kind: 'waiting', why: `${name}: no tasks yet` };
  if (c.wanted === 0 || c.running < c.wanted)
    return { kind: 'waiting', why: `${name}: ${c.running}/${c.wanted} running` };
  return { kind: 'done' };
}

/** The stack's verdict: the first failure, else what is still waited for, else done. */
export function stackVerdict(states: readonly ServiceState[]): Verdict {
  const verdicts = states.map(serviceVerdict);
  const failed = verdicts.filter((v) => v.kind === 'failed');
  if (failed.length > 0) return { kind: 'failed', why: failed.map((v) => v.why).join('; ') };
  const waiting = verdicts.filter((v) => v.kind === 'waiting');
  if (waiting.length > 0) return { kind: 'waiting', why: waiting.map((v) => v.why).join('; ') };
  return { kind: 'done' };
}

/**
 * Docker's own bug (moby/moby#48783, open): a task with secrets or configs
 * sometimes cannot have them mounted read-only, and fails to start. It passes.
 */
const MOBY_48783 = /unable to remount dir as readonly/;

/** What to tell the user after a failed rollout (pure), from its message. */
export function rolloutHint(message: string): string {
  const logs = 'see why with npx zx scripts/logs.mjs NAME (its tasks’ logs from every node)';
  if (MOBY_48783.test(message))
    return `Docker could not mount a task’s secrets or configs read-only, a Docker bug that passes (moby/moby#48783): run up again; if it fails the same way again, ${logs}`;
  return `${logs}; fix it, then run up again`;
}
