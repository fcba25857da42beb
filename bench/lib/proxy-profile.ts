// Where Caddy's CPU goes: a CPU profile from Go's pprof on Caddy's admin
// endpoint, taken while wrk drives /ping through the proxy. The admin API
// listens on localhost inside the proxy's container and is never published, so
// curl runs on the host in that container's network namespace (nsenter -n):
// nothing is added to the proxy image or its ports for the bench.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { run } from '../../src/exec/runner.ts';
import { PROXY_ADMIN } from '../../src/stack/render/caddyfile.ts';
import { failureLine } from '../../src/util/text.ts';
import { summarizeProfile, type ProfileSummary } from './pprof.ts';
import { runWrk, type WrkResult } from './wrk.ts';
import { containerPidArgv } from './argv.ts';

/** curl of Caddy's CPU profile inside the network namespace of process `pid`, written to `out`. */
export const pprofArgv = (pid: number, seconds: number, out: string): string[] => [
  'nsenter',
  '--target',
  String(pid),
  '--net',
  'curl',
  '--silent',
  '--show-error',
  '--fail',
  '--max-time',
  String(seconds + 30),
  '--output',
  out,
  `http://${PROXY_ADMIN}/debug/pprof/profile?seconds=${seconds}`,
];

export interface ProxyProfile {
  summary: ProfileSummary;
  /** The load during the profile: its requests give CPU per request. */
  load: WrkResult;
}

/** Profiles the proxy container for `seconds` under wrk at `connections` on `url`. */
export async function profileProxy(
  proxyId: string,
  url: string,
  o: { seconds: number; connections: number },
): Promise<ProxyProfile> {
  const pid = Number((await run(containerPidArgv(proxyId))).stdout.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new UserError(`bench proxy: no process for container ${proxyId}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faasobench-pprof-'));
  try {
    const out = path.join(dir, 'cpu.pprof');
    // wrk runs a second longer than the profile, so load covers all of it.
    const [curl, load] = await Promise.all([
      run(pprofArgv(pid, o.seconds, out), { timeoutMs: (o.seconds + 40) * 1000 }),
      runWrk({ url, connections: o.connections, threads: 2, durationSec: o.seconds + 1 }),
    ]);
    if (curl.exitCode !== 0) throw new UserError(`bench proxy: Caddy's CPU profile: ${failureLine(curl)}`);
    return { summary: summarizeProfile(await fs.readFile(out)), load };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
