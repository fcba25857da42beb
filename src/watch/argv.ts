// Pure argv builders for the watcher: how each action is carried out, and the
// two commands of one observation.
import { dockerRestart, dockerStart, dockerUnpause } from '../docker/argv.ts';
import { compose, type ComposeTarget } from '../stack/argv.ts';
import type { WatchAction } from './state.ts';

/** Grace for in-flight requests before Docker kills a hung function. Every
 * faaso server exits within a second of SIGTERM (a template guarantee the
 * examples test checks); a hung one ignores it, so more grace only delays healing. */
export const RESTART_STOP_SECONDS = 1;

/** Recreate one service from the compose file, never touching the others (no --wait: the next check sees how it went). */
export function composeCreate(t: ComposeTarget, service: string, force: boolean): string[] {
  return compose(t, 'up', '-d', '--no-deps', ...(force ? ['--force-recreate'] : []), service);
}

/**
 * The commands of one action, run in order. Unpausing first: a paused
 * container's processes cannot receive the stop signal. Its failure is
 * ignored by the shell (the container may have been unpaused meanwhile).
 */
export function actionArgv(
  t: ComposeTarget,
  a: WatchAction,
  stopSeconds = RESTART_STOP_SECONDS,
): { argv: string[]; mayFail: boolean }[] {
  switch (a.kind) {
    case 'create':
      return [{ argv: composeCreate(t, a.service, a.force), mayFail: false }];
    case 'start':
      return [{ argv: dockerStart(a.container), mayFail: false }];
    case 'restart':
      return [
        ...(a.unpause ? [{ argv: dockerUnpause(a.container), mayFail: true }] : []),
        { argv: dockerRestart(a.container, stopSeconds), mayFail: false },
      ];
  }
}

/** What the action did, for the event line: "restarted", "unpaused and restarted", … */
export function actionVerb(a: WatchAction): string {
  if (a.kind === 'create') return a.force ? 'recreated' : 'created';
  if (a.kind === 'start') return 'started';
  return a.unpause ? 'unpaused and restarted' : 'restarted';
}
