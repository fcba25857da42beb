// Makes `docker info` answer: installs docker.io and the docker client (Debian,
// root) and starts dockerd detached when none runs. Silent when the engine
// already answers.
import fs from 'node:fs';
import { UserError } from '../errors.ts';
import {
  APT_ENV,
  DOCKERD_LOG,
  aptCandidate,
  aptInstall,
  aptPolicy,
  aptUpdate,
  aptWarnings,
  startDockerd,
} from './argv.ts';
import { clientPackage, missingClientError, planEngine, type EngineAction } from './plan.ts';
import { dockerAnswers, dockerdAlive, onPath, probeEngine } from './probe.ts';
import { defaultLog, runCheckedResult, seconds, tailLines, timed, type Log } from './steps.ts';
import { describeArgv, run } from '../exec/runner.ts';

export interface EngineOptions {
  log?: Log;
  /** How long to wait for a starting dockerd to answer. */
  waitMs?: number;
}

const APT_HINT = 'check that the Debian mirror is reachable and that no other apt/dpkg is running, then re-run';

/**
 * apt-get update, then the packages plus, when asked, what gives the `docker`
 * command on this release. An update that could not fetch a source still
 * exits 0 (a host's stale third-party source must not block setup), so its
 * complaints are kept for the message should the install then fail.
 */
async function aptInstallPackages(action: Extract<EngineAction, { kind: 'apt-install' }>, log: Log): Promise<void> {
  let updateSaid: string[] = [];
  const { ms, value: packages } = await timed(async () => {
    log(`docker: updating apt's package lists…`);
    const update = await runCheckedResult(aptUpdate(), 'apt-get update', APT_HINT, {
      env: APT_ENV,
      timeoutMs: 10 * 60_000,
    });
    updateSaid = aptWarnings(update.stderr);
    const wanted = [...action.packages];
    if (action.client) wanted.push(clientPackage(aptCandidate((await run(aptPolicy('docker-cli'))).stdout) !== null));
    const packages = [...new Set(wanted)].sort();
    log(`docker: installing ${packages.join(', ')} with apt-get…`);
    const r = await run(aptInstall(packages), { env: APT_ENV, timeoutMs: 20 * 60_000 });
    if (r.exitCode !== 0) {
      const said = [...updateSaid, ...aptWarnings(`${r.stdout}\n${r.stderr}`)];
      throw new UserError(
        `installing ${packages.join(', ')} failed (exit ${r.exitCode}): ${describeArgv(aptInstall(packages))}\n${tailLines(said.join('\n'), 12)}`,
        APT_HINT,
      );
    }
    return packages;
  });
  log(`docker: installed ${packages.join(', ')} in ${seconds(ms)}`);
  if (action.client && (await onPath('docker')) === null) {
    const { message, hint } = missingClientError(packages, updateSaid);
    throw new UserError(message, hint);
  }
}

function logTail(): string {
  try {
    return tailLines(fs.readFileSync(DOCKERD_LOG, 'utf8'), 8);
  } catch {
    return '';
  }
}

/** Polls `docker info` until it answers or waitMs passes; the last error when it never did. */
export async function waitForEngine(waitMs: number): Promise<{ ok: true } | { ok: false; error: string }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const r = await dockerAnswers();
    if (r.answers) return { ok: true };
    if (Date.now() >= deadline) return { ok: false, error: r.error };
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function apply(action: EngineAction, log: Log, waitMs: number, started: { at: number }): Promise<void> {
  switch (action.kind) {
    case 'apt-install':
      return aptInstallPackages(action, log);
    case 'start-dockerd': {
      // A package's postinst (systemd hosts) may have started one meanwhile: never a second.
      if (dockerdAlive()) {
        log('docker: dockerd is already running (started by its package or service); waiting for it');
        return;
      }
      log(`docker: starting ${action.dockerd} in the background (log: ${DOCKERD_LOG})…`);
      started.at = Date.now();
      const r = await run(startDockerd(action.dockerd));
      if (r.exitCode !== 0)
        throw new UserError(
          `could not start ${action.dockerd}: ${r.stderr.trim()}`,
          `start it by hand: \`${action.dockerd} >${DOCKERD_LOG} 2>&1 &\``,
        );
      return;
    }
    case 'wait': {
      const t0 = started.at || Date.now();
      const r = await waitForEngine(waitMs);
      if (!r.ok) {
        const tail = logTail();
        const why = r.error ? ` (\`docker info\`: ${r.error})` : '';
        throw new UserError(
          `dockerd did not answer within ${seconds(waitMs)}${why}${tail ? `; the end of ${DOCKERD_LOG}:\n${tail}` : ''}`,
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
