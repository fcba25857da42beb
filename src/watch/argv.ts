// Pure argv builders for the watcher: how each action is carried out.
import { dockerRestart, dockerRm, dockerStart, dockerUnpause } from '../docker/argv.ts';
import { compose, type ComposeTarget } from '../stack/argv.ts';
import type { WatchAction } from './state.ts';

/**
 * Grace before Docker kills a hung replica. Only hung ones are restarted, and a
 * hung server answers nothing: there is nothing for its drain to finish, so
 * more grace only delays healing.
 */
export const RESTART_STOP_SECONDS = 1;

/**
 * Create a service's missing replicas from the compose file (its `scale`),
 * leaving every container it has alone: --no-recreate, even when the file now
 * says another config (replacing replicas is `up`'s rolling update), --no-deps.
 * No --wait: the next check sees how it went.
 */
export function composeCreate(t: ComposeTarget, service: string): string[] {
  return compose(t, 'up', '-d', '--no-deps', '--no-recreate', service);
}

/**
 * The commands of one action, run in order. Unpausing first: a paused
 * container's processes cannot receive the stop signal. Its failure is
 * ignored by the shell (the container may have been unpaused meanwhile).
 * A dead container is removed by hand first: compose would only recreate it
 * together with its siblings (--force-recreate), and a dead one cannot be started.
 */
export function actionArgv(
  t: ComposeTarget,
  a: WatchAction,
  stopSeconds = RESTART_STOP_SECONDS,
): { argv: string[]; mayFail: boolean }[] {
  switch (a.kind) {
    case 'create':
      return [{ argv: composeCreate(t, a.service), mayFail: false }];
    case 'replace':
      return [
        { argv: dockerRm(a.container), mayFail: false },
        { argv: composeCreate(t, a.service), mayFail: false },
      ];
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
  if (a.kind === 'create') return 'created';
  if (a.kind === 'replace') return 'recreated';
  if (a.kind === 'start') return 'started';
  return a.unpause ? 'unpaused and restarted' : 'restarted';
}
