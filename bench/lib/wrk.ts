// wrk (Debian's package) as the load generator: C, one thread per core, and
// microsecond latency percentiles, so the generator costs little on a small box.
// A Lua `done` hook prints one JSON line that parseWrk reads (pure).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { run, which } from '../../src/exec/runner.ts';

export interface WrkOptions {
  url: string;
  connections: number;
  threads: number;
  durationSec: number;
  /** Per-request timeout in seconds (wrk counts a timeout as an error). */
  timeoutSec?: number;
}

export interface WrkResult {
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Socket errors plus non-2xx/3xx answers. */
  errors: number;
  errorDetail: { connect: number; read: number; write: number; status: number; timeout: number };
}

const MARK = 'FAASO_WRK ';

export const WRK_LUA = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARK}{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
`;

/** wrk's argv (pure). Threads never exceed connections: wrk refuses that. */
export function wrkArgv(o: WrkOptions, luaFile: string): string[] {
  const threads = Math.max(1, Math.min(o.threads, o.connections));
  return [
    'wrk',
    '-t',
    String(threads),
    '-c',
    String(o.connections),
    '-d',
    `${o.durationSec}s`,
    '--timeout',
    `${o.timeoutSec ?? 5}s`,
    '-s',
    luaFile,
    o.url,
  ];
}

/** Reads the JSON line the Lua hook printed (pure). */
export function parseWrk(stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout.slice(-500)}`);
  const r = JSON.parse(line.slice(MARK.length)) as Record<string, number>;
  const num = (k: string) => r[k] ?? 0;
  const durationSec = num('duration_us') / 1e6;
  const detail = {
    connect: num('connect'),
    read: num('read'),
    write: num('write'),
    status: num('status'),
    timeout: num('timeout'),
  };
  return {
    requests: num('requests'),
    durationSec,
    rps: durationSec > 0 ? num('requests') / durationSec : 0,
    p50Ms: num('p50_us') / 1000,
    p90Ms: num('p90_us') / 1000,
    p99Ms: num('p99_us') / 1000,
    meanMs: num('mean_us') / 1000,
    maxMs: num('max_us') / 1000,
    errors: Object.values(detail).reduce((a, b) => a + b, 0),
    errorDetail: detail,
  };
}

/** Installs wrk from Debian when missing and we may (root on Debian); else says how. */
export async function ensureWrk(): Promise<void> {
  if (await which('wrk')) return;
  const debian = await fs.access('/etc/debian_version').then(
    () => true,
    () => false,
  );
  if (debian && process.getuid?.() === 0) {
    process.stderr.write('bench: installing wrk (Debian package) as the load generator…\n');
    const r = await run(['apt-get', 'install', '-y', '-qq', 'wrk'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.exitCode === 0 && (await which('wrk'))) return;
    const u = await run(['sh', '-c', 'apt-get update -qq && apt-get install -y -qq wrk'], {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (u.exitCode === 0) return;
  }
  throw new UserError(
    'bench: wrk (the load generator) is not installed',
    'install it: apt-get install wrk (Debian/Ubuntu) or see https://github.com/wg/wrk',
  );
}

/** Runs one wrk measurement against a 127.0.0.1 URL. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-wrk-'));
  try {
    const lua = path.join(dir, 'report.lua');
    await fs.writeFile(lua, WRK_LUA);
    const r = await run(wrkArgv(o, lua), { timeoutMs: (o.durationSec + 30) * 1000 });
    if (r.exitCode !== 0) throw new Error(`wrk failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
    return parseWrk(r.stdout);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface WrkRun {
  /** Ends the run (SIGINT: wrk stops and reports as at the end of its duration) and reads its result. */
  stop: () => Promise<WrkResult>;
}

/**
 * wrk running until stop(), at most `durationSec`: the load then covers exactly
 * the command being measured, however long that takes.
 */
export async function startWrk(o: WrkOptions): Promise<WrkRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-wrk-'));
  const lua = path.join(dir, 'report.lua');
  await fs.writeFile(lua, WRK_LUA);
  const [cmd, ...args] = wrkArgv(o, lua);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      stderr += err.message;
      resolve(-1);
    });
    child.on('close', (code) => resolve(code ?? -1));
  });
  const result = exited.then(async (code) => {
    await fs.rm(dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`wrk failed (exit ${code}): ${stderr || stdout}`);
    return parseWrk(stdout);
  });
  result.catch(() => undefined); // read by stop(); a wrk that dies early must not be an unhandled rejection
  return {
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return result;
    },
  };
}
