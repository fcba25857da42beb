// Makes `docker info` answer: installs docker.io (Debian, root) and starts dockerd
// detached when needed. Silent when the engine already answers.
import fs from 'node:fs';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { APT_ENV, DOCKERD_LOG, aptInstall, aptUpdate, startDockerd } from './argv.ts';
import { planEngine, type EngineAction } from './plan.ts';
import { dockerAnswers, probeEngine } from './probe.ts';
import { defaultLog, runChecked, seconds, tailLines, timed, type Log } from './steps.ts';

export interface EngineOptions {
  log?: Log;
  /** How long to wait for a starting dockerd to answer. */
  waitMs?: number;
}

const APT_HINT = 'check that the Debian mirror is reachable and that no other apt/dpkg is running, then re-run';

async function aptInstallPackages(packages: string[], log: Log): Promise<void> {
  log(`docker: installing ${packages.join(', ')} with apt-get…`);
  const { ms } = await timed(async () => {
    await runChecked(aptUpdate(), 'apt-get update', APT_HINT, { env: APT_ENV, timeoutMs: 10 * 60_000 });
    await runChecked(aptInstall(packages), `installing ${packages.join(', ')}`, APT_HINT, { env: APT_ENV, timeoutMs: 20 * 60_000 });
  });
  log(`docker: installed ${packages.join(', ')} in ${seconds(ms)}`);
}

function logTail(): string {
  try {
    return tailLines(fs.readFileSync(DOCKERD_LOG, 'utf8'), 8);
  } catch {
    return '';
  }
}

/** Polls `docker info` until it answers or waitMs passes. */
export async function waitForEngine(waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await dockerAnswers()).answers) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function apply(action: EngineAction, log: Log, waitMs: number, started: { at: number }): Promise<void> {
  switch (action.kind) {
    case 'apt-install':
      return aptInstallPackages(action.packages, log);
    case 'start-dockerd': {
      // A package's postinst (systemd hosts) may have started it already.
      if ((await dockerAnswers()).answers) return;
      log(`docker: starting ${action.dockerd} in the background (log: ${DOCKERD_LOG})…`);
      started.at = Date.now();
      const r = await run(startDockerd(action.dockerd));
      if (r.exitCode !== 0) throw new UserError(`could not start ${action.dockerd}: ${r.stderr.trim()}`, `start it by hand: \`${action.dockerd} >${DOCKERD_LOG} 2>&1 &\``);
      return;
    }
    case 'wait': {
      const t0 = started.at || Date.now();
      if (!(await waitForEngine(waitMs))) {
        const tail = logTail();
        throw new UserError(
          `dockerd did not answer within ${seconds(waitMs)}${tail ? `; the end of ${DOCKERD_LOG}:\n${tail}` : ''}`,
          `look at ${DOCKERD_LOG} (or \`journalctl -u docker\`), fix the cause, and re-run \`npx zx scripts/setup.mjs\``,
        );
      }
      log(`docker: engine answers (after ${seconds(Date.now() - t0)})`);
      return;
    }
  }
}

export async function setupEngine(opts: EngineOptions = {}): Promise<void> {
  const log = opts.log ?? defaultLog;
  const actions = planEngine(await probeEngine());
  const started = { at: 0 };
  for (const action of actions) await apply(action, log, opts.waitMs ?? 30_000, started);
}
