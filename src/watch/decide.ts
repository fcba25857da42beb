// The watcher's brain, pure: what the compose file says should run + what Docker
// reports + what earlier checks saw → actions to take and events to print, plus
// the memory for the next check. No clock, no I/O: `now` comes in, so every
// branch (the backoff schedule included) is unit-tested with plain numbers.
//
// Docker already restarts crashed processes (restart: unless-stopped); what it
// never does outside Swarm is restart a hung (unhealthy or paused) container or
// start one that was stopped or removed. That is the watcher's job, and it must
// never spin on a function that keeps failing: after `crashRestarts` restarts
// (Docker's or ours) it backs off for 30 s, 60 s, … 5 min, reporting once per period.
//
// Each replica is watched, healed and backed off on its own (replicas.ts says
// which containers and what they are called): one hung or crash-looping replica
// is restarted or left alone while its siblings keep serving, untouched.
import { replicaKey, slotsOf, type Slot } from './replicas.ts';
import {
  backoffMs,
  DEFAULT_THRESHOLDS,
  UP_STATES,
  type CheckInput,
  type ContainerObservation,
  type Decision,
  type ReplicaMemory,
  type WatchAction,
  type WatchEvent,
  type WatchEventKind,
  type WatchMemory,
  type WatchThresholds,
} from './state.ts';

export * from './state.ts';
export {
  brokenReplicas,
  brokenSummary,
  isHealthy,
  labelOf,
  replicaKey,
  slotsOf,
  watchedContainers,
  type BrokenReplica,
  type Slot,
} from './replicas.ts';

const fresh = (): ReplicaMemory => ({
  containerId: null,
  restartCount: 0,
  failingChecks: 0,
  restarts: [],
  attempts: 0,
  level: 0,
  until: 0,
  dockerSinceLoop: 0,
  oursSinceLoop: 0,
  problem: false,
});

const seconds = (ms: number): string =>
  ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000}min` : `${Math.round(ms / 1000)}s`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "exit code 137, out of memory" for a container that is not running now (a running one has exit code 0 again). */
function exitInfo(c: ContainerObservation | undefined): string {
  if (!c || (c.status !== 'exited' && c.status !== 'restarting' && c.status !== 'dead')) return '';
  return `exit code ${c.exitCode}${c.oomKilled ? ', out of memory' : ''}`;
}
const paren = (s: string): string => (s ? ` (${s})` : '');
const comma = (s: string): string => (s ? `, ${s}` : '');

interface SlotResult {
  memory: ReplicaMemory;
  events: WatchEvent[];
  action?: WatchAction;
}

function decideSlot(
  slot: Slot,
  input: CheckInput,
  prev: ReplicaMemory | undefined,
  quiet: boolean,
  t: WatchThresholds,
): SlotResult {
  const { now } = input;
  const { ref, container: c } = slot;
  const m: ReplicaMemory = prev ? { ...prev, restarts: [...prev.restarts] } : fresh();
  const events: WatchEvent[] = [];
  const say = (kind: WatchEventKind, message: string): void => {
    events.push({ ...ref, kind, message });
  };

  // 1. Restarts Docker's policy did since the last check. A new container of a
  // known replica starts at 0, so all its restarts are new; the first sight of
  // a replica only sets the baseline.
  const crashed = !prev || !c ? 0 : Math.max(0, c.id === m.containerId ? c.restarts - m.restartCount : c.restarts);
  for (let i = 0; i < crashed; i++) m.restarts.push(now);
  m.attempts += crashed;
  if (m.level > 0) m.dockerSinceLoop += crashed;
  if (c?.id !== m.containerId) m.failingChecks = 0;
  m.containerId = c?.id ?? null;
  m.restartCount = c?.restarts ?? 0;
  m.restarts = m.restarts.filter((at) => now - at < t.crashWindowMs);
  const inWindow = `${plural(m.restarts.length, 'restart')} in the last ${seconds(t.crashWindowMs)}`;

  const enterLoop = (why: string): SlotResult => {
    m.level += 1;
    const period = backoffMs(m.level, t);
    m.until = now + period;
    m.dockerSinceLoop = 0;
    m.oursSinceLoop = 0;
    m.failingChecks = 0;
    m.problem = true;
    say(
      'crash-looping',
      `${m.level === 1 ? 'crash-looping' : 'still crash-looping'}: ${why} → leaving it alone for ${seconds(period)}`,
    );
    return { memory: m, events };
  };

  // 2. Serving: forget the trouble, backoff included. Incidents that healed
  // are not a loop; a real crash loop never gets as far as a passed probe.
  if (slot.healthy) {
    if (crashed > 0) say('crashed', `crashed → restarted by Docker, healthy again${paren(inWindow)}`);
    else if (m.problem)
      say('recovered', c || slot.wanted === 1 ? 'healthy again' : `all ${slot.wanted} replicas healthy again`);
    return { memory: { ...fresh(), containerId: m.containerId, restartCount: m.restartCount }, events };
  }

  // 3. Backing off: watch, never act, say nothing.
  if (now < m.until) return { memory: m, events };

  // 4. A period ended and Docker kept restarting it meanwhile: next, longer period.
  if (m.level > 0 && m.dockerSinceLoop > 0)
    return enterLoop(`${plural(m.dockerSinceLoop, 'more restart')} by Docker${comma(exitInfo(c))}`);
  if (m.level === 0 && crashed > 0) {
    if (m.restarts.length >= t.crashRestarts) return enterLoop(`${inWindow}${comma(exitInfo(c))}`);
    say('crashed', `crashed${paren(exitInfo(c))} → restarted by Docker${paren(inWindow)}`);
    m.problem = true;
  }

  // 5. What the container needs (or the service: its missing replicas).
  let want: WatchAction | undefined;
  const failing = (what: string): void => {
    m.failingChecks += 1;
    if (m.failingChecks === 1 && t.unhealthyChecks > 1) say('failing', `${what} (check 1 of ${t.unhealthyChecks})`);
    if (m.failingChecks >= t.unhealthyChecks) {
      const reason = t.unhealthyChecks > 1 ? `${what} ${t.unhealthyChecks} checks in a row` : what;
      want = { ...ref, kind: 'restart', container: c!.id, unpause: c!.status === 'paused', reason };
    }
  };
  if (!c) {
    if (slot.missing > 0) {
      const reason = slot.wanted === 1 ? 'missing' : `${slot.missing} of ${slot.wanted} replicas missing`;
      want = { ...ref, kind: 'create', reason };
    }
  } else if (c.status === 'dead') want = { ...ref, kind: 'replace', container: c.id, reason: 'dead' };
  else if (c.status === 'exited')
    want = { ...ref, kind: 'start', container: c.id, reason: `stopped${paren(exitInfo(c))}` };
  else if (c.status === 'created')
    want = { ...ref, kind: 'start', container: c.id, reason: 'created but never started' };
  else if (c.status === 'paused') failing('paused');
  else if (
    c.status === 'running' &&
    (c.health === 'unhealthy' || c.pingFailed || (t.earlyProbeFailures && c.failingStreak > 0))
  )
    failing('unhealthy');
  else m.failingChecks = 0; // starting, restarting (Docker is on it), removing
  if (!want) return { memory: m, events };

  // 6. Hands off while a just-written compose file settles: `up` is creating services.
  if (quiet) return { memory: m, events };

  // 7. Acting again on something our last actions did not cure is a loop too.
  if (m.level > 0 ? m.oursSinceLoop > 0 : m.restarts.length >= t.crashRestarts || m.attempts >= t.crashRestarts) {
    const why =
      m.level > 0
        ? `${want.reason} again after the last retry`
        : m.restarts.length >= t.crashRestarts
          ? inWindow
          : `${plural(m.attempts, 'restart')} without becoming healthy`;
    return enterLoop(why);
  }
  m.restarts.push(now);
  m.attempts += 1;
  if (m.level > 0) m.oursSinceLoop += 1;
  m.failingChecks = 0;
  // `docker start` and `docker restart` reset RestartCount; a new container starts at 0.
  m.restartCount = 0;
  if (want.kind === 'create' || want.kind === 'replace') m.containerId = null;
  m.problem = true;
  return { memory: m, events, action: want };
}

/**
 * One check. While `up` holds its lock it drains, stops and removes replicas on
 * purpose: no action at all, said once per `up`. A stack with no container up
 * at all was stopped on purpose (`down.mjs`, `docker compose stop`) or never
 * started: the watcher waits for `up` instead of resurrecting it.
 */
export function decide(input: CheckInput, memory: WatchMemory, t: WatchThresholds = DEFAULT_THRESHOLDS): Decision {
  const up = input.upInProgress;
  if (up) {
    const events: WatchEvent[] =
      memory.upPid === up.pid
        ? []
        : [
            {
              service: null,
              kind: 'up-in-progress',
              message: `\`up\` (pid ${up.pid}) is applying changes: holding off`,
            },
          ];
    return { actions: [], events, memory: { ...memory, upPid: up.pid } };
  }
  const events: WatchEvent[] = [];
  const actions: WatchAction[] = [];
  if (memory.upPid !== null) events.push({ service: null, kind: 'up-finished', message: '`up` finished: watching' });
  const down = !input.observed.some((c) => UP_STATES.has(c.status));
  if (down) {
    if (memory.stackDown !== true)
      events.push({
        service: null,
        kind: 'stack-down',
        message: 'no container is running: stack is down, waiting for `up` (starting nothing)',
      });
    return { actions, events, memory: { replicas: memory.replicas, stackDown: true, upPid: null } };
  }
  if (memory.stackDown === true)
    events.push({ service: null, kind: 'stack-up', message: 'stack is running again: watching' });
  const quiet = input.now - input.composeChangedAt < t.settleMs;
  const replicas: Record<string, ReplicaMemory> = {};
  const expected = [...input.expected].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  for (const slot of expected.flatMap((e) => slotsOf(e, input.observed, t))) {
    const key = replicaKey(slot.ref);
    const r = decideSlot(slot, input, memory.replicas[key], quiet, t);
    replicas[key] = r.memory;
    events.push(...r.events);
    if (r.action) actions.push(r.action);
  }
  return { actions, events, memory: { replicas, stackDown: false, upPid: null } };
}
