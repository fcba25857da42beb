// npx zx scripts/watch.mjs [--interval S] [--once] [--unhealthy-threshold N] [--json]:
// keep every replica of the stack's functions (and its two proxies) alive; see src/watch/watch.ts.
// Docker does not need to be up when it starts: as a service it waits for it.
import fs from 'node:fs';
import { resolveSettings } from '../settings.ts';
import { composeTarget } from '../stack/prepare.ts';
import { DEFAULT_THRESHOLDS } from '../watch/decide.ts';
import { watchStack } from '../watch/watch.ts';
import { parseCli } from './entry.ts';
import { log } from './context.ts';
import { readStackTarget } from '../stack/config/load.ts';
import { runScheduler } from '../schedule/scheduler.ts';
import { readJobs } from '../schedule/store.ts';
import { formatEvent, type OutputEvent } from '../watch/format.ts';
import { numberFlag } from './numeric-flag.ts';

const USAGE = 'npx zx scripts/watch.mjs [--interval S] [--once] [--unhealthy-threshold N] [--json]';

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      interval: { type: 'string' },
      once: { type: 'boolean' },
      'unhealthy-threshold': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const intervalMs =
    numberFlag(values.interval, '--interval', { fallback: 5, integer: false, min: 0.2, max: 3600, usage: USAGE }) *
    1000;
  const once = values.once === true;
  // One check cannot see "N checks in a row": --once acts on what Docker has
  // already confirmed (unhealthy after its retries, paused, stopped, missing).
  const unhealthyChecks = numberFlag(values['unhealthy-threshold'], '--unhealthy-threshold', {
    fallback: once ? 1 : DEFAULT_THRESHOLDS.unhealthyChecks,
    integer: true,
    min: 1,
    max: 100,
    usage: USAGE,
  });
  const thresholds = { ...DEFAULT_THRESHOLDS, unhealthyChecks, earlyProbeFailures: !once };
  const settings = resolveSettings(process.env, (p) => fs.existsSync(p));
  const target = composeTarget(settings);
  const json = values.json === true;
  const swarm = (await readStackTarget(settings.root)) === 'swarm';
  const jobs = swarm ? await readJobs(target.dir) : [];
  if (swarm && (once || jobs.length === 0)) {
    log(
      'faaso.yml: target: swarm — Swarm heals the stack itself: it restarts failed tasks, replaces unhealthy ones (healthcheck) and reschedules those of a lost node; watch has nothing to do. See npx zx scripts/status.mjs',
    );
    return 0;
  }

  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    // A second signal while an action finishes: the user means it.
    if (controller.signal.aborted) process.exit(130);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const emit = (e: Omit<OutputEvent, 'at'>): void => log(formatEvent({ at: Date.now(), ...e }, target.project, json));
  // Schedules fire beside the checks (not with --once); on Swarm they are all watch does.
  const scheduler = once ? Promise.resolve() : runScheduler({ dir: target.dir, signal: controller.signal, emit });
  try {
    if (swarm) {
      emit({
        service: null,
        kind: 'watching',
        message: `target: swarm — Swarm heals the stack itself; firing ${jobs.length} schedule(s) through the proxy of this node`,
      });
      await scheduler;
      return 0;
    }
    return await watchStack({
      target,
      intervalMs,
      once,
      json,
      thresholds,
      signal: controller.signal,
    });
  } finally {
    controller.abort('stopped');
    await scheduler;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
