// Pure: the diff in, the steps that turn the running stack into the plan out, as
// plain data (one executor runs them, execute.ts). Nothing here reads a clock
// or the engine, so every kind of change is unit-tested step by step.
//
// A replica is in rotation while its container runs and its server accepts
// connections: the proxies find replicas through Docker's DNS, and skip an
// address that refuses a connection. So an update never reloads Caddy:
//   start  — compose creates the new replica beside the old ones;
//   ready  — faaso polls its /ping until it answers;
//   rotate — faaso waits until the proxies' DNS view (refreshed every 250 ms)
//            includes it;
//   drain  — `docker stop`: the old replica's server stops accepting, finishes
//            what it has in flight, closes its idle connections and exits, and
//            with it leaves DNS;
//   remove — `docker rm`.
// Only a change of routes reloads the proxy, and only a change of the own ports'
// config that leaves their set as it is (a new API key, say) reloads the ports
// listener.
import type { FunctionDiff, StackDiff } from './diff.ts';
import type { StackFiles } from './files.ts';

export type Step =
  /** `docker rm -f`: containers that serve nothing (stopped), or drained ones. */
  | { kind: 'remove'; fn: string; containers: string[] }
  /** `compose up -d --no-deps --no-recreate --scale SERVICE=scale SERVICE`: new replicas from the compose file beside the running ones. */
  | { kind: 'start'; fn: string; scale: number }
  /** Until `count` replicas of `config` that are not in `except` answer /ping. */
  | { kind: 'ready'; fn: string; config: string; except: string[]; count: number }
  /** Until the proxies' DNS view has had time to include the new replicas. */
  | { kind: 'rotate'; fn: string }
  /** `docker stop -t GRACE`: the replicas drain and exit (and so leave DNS). */
  | { kind: 'drain'; fn: string; containers: string[] }
  /** Write these of the new files (atomically). */
  | { kind: 'write'; files: (keyof StackFiles)[] }
  /**
   * Write the service's new Caddyfile (the routes, or the own ports') and have
   * that Caddy load it through its admin API (the old config keeps serving if it
   * refuses). A reload keeps the listeners open, where a recreate closes them.
   */
  | { kind: 'reload'; service: 'proxy' | 'ports' }
  /** `compose up -d --no-deps --force-recreate --wait SERVICE`: a proxy whose image, ports or limits changed. */
  | { kind: 'recreate'; service: 'proxy' | 'ports'; why: string }
  /**
   * Nothing serves yet: the functions, then the proxies at once (no wait on the
   * compose file's health conditions), then until each function's replicas
   * answer /ping; if one never does, the whole stack goes down again.
   */
  | { kind: 'start-all'; functions: { fn: string; config: string; count: number }[] };

/** Steps run in order; a track's steps are for one function, and tracks of one phase may run side by side. */
export interface Phase {
  name: 'start' | 'functions' | 'routes' | 'retire' | 'proxies';
  tracks: Step[][];
}

/** What the executor needs to know about a function track to undo it. */
export interface StepPlan {
  phases: Phase[];
  /** Functions whose replicas this plan changes (their tracks are undone if one fails). */
  touched: string[];
}

/**
 * One function's track: its stale containers removed, then enough new replicas
 * started to reach `replicas`, surplus old ones drained, and the rest replaced
 * `parallelism` at a time, each new batch ready and in rotation before an old
 * batch drains. Capacity never drops below min(replicas, what ran before).
 */
export function functionTrack(d: FunctionDiff): Step[] {
  const fn = d.service.name;
  const want = d.service.replicas;
  const batch = Math.max(1, Math.min(d.service.parallelism, want));
  const steps: Step[] = [];
  if (d.stale.length > 0) steps.push({ kind: 'remove', fn, containers: d.stale.map((c) => c.id) });
  if (d.kind === 'same') return steps;

  const except = d.running.map((c) => c.id);
  // Old replicas go from the highest number down, as compose itself scales down.
  const olds = d.running.filter((c) => c.config !== d.config).reverse();
  const currentOnes = d.running.filter((c) => c.config === d.config).reverse();
  let running = d.running.length;
  let started = 0;
  const startNew = (count: number): void => {
    running += count;
    started += count;
    steps.push(
      { kind: 'start', fn, scale: running },
      { kind: 'ready', fn, config: d.config, except, count: started },
      { kind: 'rotate', fn },
    );
  };
  const retire = (ids: string[]): void => {
    running -= ids.length;
    steps.push({ kind: 'drain', fn, containers: ids }, { kind: 'remove', fn, containers: ids });
  };

  // 1. Up to the wanted number first, so an update that also scales up never runs short.
  if (running < want) startNew(want - running);
  // 2. Too many: the surplus goes, old ones first (they would be replaced anyway).
  const surplus = running - want;
  if (surplus > 0) {
    const fromOld = olds.splice(0, Math.min(surplus, olds.length));
    const fromCurrent = currentOnes.splice(0, surplus - fromOld.length);
    retire([...fromOld, ...fromCurrent].map((c) => c.id));
  }
  // 3. Replace the remaining old ones, a batch at a time: new batch ready and in rotation, then the old batch drains.
  while (olds.length > 0) {
    const k = Math.min(batch, olds.length);
    startNew(k);
    retire(olds.splice(0, k).map((c) => c.id));
  }
  return steps;
}

/** Which of the two Caddyfiles differ from the ones on disk (the ones the running proxies serve). */
export interface CaddyfilesChanged {
  routes: boolean;
  ports: boolean;
}

/** The whole plan: functions first (new ones ready before a route names them), then routes, then what is no longer routed, then the proxies. */
export function planSteps(diff: StackDiff, changed: CaddyfilesChanged): StepPlan {
  if (diff.fresh) {
    return {
      phases: [
        {
          name: 'start',
          tracks: [
            [
              { kind: 'write', files: ['compose', 'env', 'caddyfile', 'ports'] },
              {
                kind: 'start-all',
                functions: diff.functions.map((f) => ({
                  fn: f.service.name,
                  config: f.config,
                  count: f.service.replicas,
                })),
              },
            ],
          ],
        },
      ],
      touched: [],
    };
  }
  const phases: Phase[] = [];
  const strays = diff.strays.map((c) => c.id);
  const start: Step[] = [
    { kind: 'write', files: ['compose', 'env', ...(diff.portsChanged ? (['ports'] as const) : [])] },
  ];
  if (strays.length > 0) start.push({ kind: 'remove', fn: '', containers: strays });
  phases.push({ name: 'start', tracks: [start] });

  const tracks = diff.functions.map(functionTrack).filter((t) => t.length > 0);
  if (tracks.length > 0) phases.push({ name: 'functions', tracks });
  // A proxy about to be recreated gets the new routes from its new container: its
  // old one may lack what they need (the certificate files or ports of proxy.tls).
  const recreateProxy: Step = { kind: 'recreate', service: 'proxy', why: 'its image, port or limits changed' };
  if (changed.routes)
    phases.push({
      name: 'routes',
      tracks: [
        diff.proxyChanged
          ? [{ kind: 'write', files: ['caddyfile'] }, recreateProxy]
          : [{ kind: 'reload', service: 'proxy' }],
      ],
    });
  const retire = diff.removed.map(({ fn, containers }) => {
    const ids = containers.map((c) => c.id);
    return [
      { kind: 'drain', fn, containers: ids },
      { kind: 'remove', fn, containers: ids },
    ] as Step[];
  });
  if (retire.length > 0) phases.push({ name: 'retire', tracks: retire });
  const proxies: Step[] = [];
  if (diff.portsChanged)
    proxies.push({ kind: 'recreate', service: 'ports', why: 'the functions, their ports or its limits changed' });
  else if (changed.ports) proxies.push({ kind: 'reload', service: 'ports' });
  if (diff.proxyChanged && !changed.routes) proxies.push(recreateProxy);
  if (proxies.length > 0) phases.push({ name: 'proxies', tracks: [proxies] });
  const touched = diff.functions.filter((f) => f.kind !== 'same').map((f) => f.service.name);
  return { phases, touched };
}

/**
 * Undoing a function's track after a step failed: the replicas it ran before
 * (`before`) are back in the numbers and config they had, and every replica
 * this run created is drained and removed. Old replicas that were already
 * replaced are started again from the previous compose file (the executor puts
 * it back first), so they carry `oldConfig`.
 */
export function rollbackTrack(
  fn: string,
  before: readonly { id: string }[],
  now: readonly { id: string; running: boolean }[],
  oldConfig: string,
): Step[] {
  const had = new Set(before.map((c) => c.id));
  const kept = now.filter((c) => had.has(c.id) && c.running);
  const created = now.filter((c) => !had.has(c.id)).map((c) => c.id);
  const gone = now.filter((c) => had.has(c.id) && !c.running).map((c) => c.id);
  const missing = before.length - kept.length;
  const steps: Step[] = [];
  // Replaced old replicas that stopped but still exist would count for compose: out first.
  if (gone.length > 0) steps.push({ kind: 'remove', fn, containers: gone });
  if (missing > 0) {
    const except = now.map((c) => c.id);
    steps.push(
      { kind: 'start', fn, scale: kept.length + created.length + missing },
      { kind: 'ready', fn, config: oldConfig, except, count: missing },
      { kind: 'rotate', fn },
    );
  }
  if (created.length > 0)
    steps.push({ kind: 'drain', fn, containers: created }, { kind: 'remove', fn, containers: created });
  return steps;
}
