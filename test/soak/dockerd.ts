// Restarting the Docker engine the way it runs on this host, for the
// Docker-restart soak case. systemd's unit when it is active; otherwise the
// background dockerd that faaso's setup starts (SIGTERM, then setupEngine():
// faaso's own start logic). Refuses anything it could not restore exactly.
import fs from 'node:fs/promises';
import { run } from '../../src/exec/runner.ts';
import { setupEngine, waitForEngine } from '../../src/setup/engine.ts';

export interface DockerdFacts {
  systemdActive: boolean;
  /** From /var/run/docker.pid, when that process is alive. */
  pid: number | null;
  /** Its /proc/PID/cmdline split on NUL. */
  argv: string[];
}

export type RestartPlan = { kind: 'systemd' } | { kind: 'background'; pid: number } | { kind: 'refuse'; why: string };

/**
 * Pure. A background dockerd is only restarted when it runs with no arguments:
 * setupEngine starts exactly `dockerd`, so a daemon with flags (another data root,
 * a config) would come back different, and that is not ours to change.
 */
export function planDockerdRestart(f: DockerdFacts): RestartPlan {
  if (f.systemdActive) return { kind: 'systemd' };
  if (f.pid === null) return { kind: 'refuse', why: 'no running dockerd found (/var/run/docker.pid)' };
  const [bin, ...args] = f.argv;
  if (!bin || !/(^|\/)dockerd$/.test(bin))
    return { kind: 'refuse', why: `PID ${f.pid} is not dockerd (${f.argv.join(' ')})` };
  if (args.length > 0)
    return {
      kind: 'refuse',
      why: `dockerd runs with arguments (${args.join(' ')}); faaso's setup would restart it without them`,
    };
  return { kind: 'background', pid: f.pid };
}

const alive = (pid: number) =>
  fs.access(`/proc/${pid}`).then(
    () => true,
    () => false,
  );

export async function dockerdFacts(): Promise<DockerdFacts> {
  const systemdActive = (await run(['systemctl', 'is-active', '--quiet', 'docker'])).exitCode === 0;
  const pid = Number((await fs.readFile('/var/run/docker.pid', 'utf8').catch(() => '')).trim());
  if (!(pid > 0) || !(await alive(pid))) return { systemdActive, pid: null, argv: [] };
  const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
  return { systemdActive, pid, argv };
}

/** Stops dockerd (its containers stop with it) and starts it again; resolves once `docker info` answers. */
export async function restartDockerd(plan: RestartPlan, log: (l: string) => void): Promise<void> {
  if (plan.kind === 'refuse') throw new Error(`not restarting Docker: ${plan.why}`);
  if (plan.kind === 'systemd') {
    const r = await run(['systemctl', 'restart', 'docker'], { timeoutMs: 180_000 });
    if (r.exitCode !== 0) throw new Error(`systemctl restart docker failed: ${r.stderr.trim()}`);
  } else {
    process.kill(plan.pid, 'SIGTERM');
    // dockerd stops every container first (10 s stop timeout each, in parallel).
    const deadline = Date.now() + 120_000;
    while (await alive(plan.pid)) {
      if (Date.now() > deadline) throw new Error(`dockerd (PID ${plan.pid}) did not exit within 120 s of SIGTERM`);
      await new Promise((r) => setTimeout(r, 200));
    }
    log("dockerd stopped; starting it with faaso's setup");
    await setupEngine({ log, waitMs: 60_000 });
  }
  if (!(await waitForEngine(60_000))) throw new Error('Docker did not answer within 60 s of its restart');
}

/** Last resort for a test's finally: whatever happened, leave an engine that answers. */
export async function ensureDockerdRunning(log: (l: string) => void): Promise<void> {
  if (await waitForEngine(1000)) return;
  log("Docker does not answer: starting it with faaso's setup");
  await setupEngine({ log, waitMs: 60_000 });
}
