// Pure parts of the soak suite (unit-tested in test/unit/soak-measure.test.ts):
// the duration knob, `docker stats` memory strings, /proc stat lines, and the
// proxy memory bound.

/** Default length of the sustained phases: `npm run soak`; `npm test` passes a short one. */
export const DEFAULT_SOAK_SECONDS = 300;

/** FAASO_SOAK_SECONDS as a positive whole number of seconds (bad values are a loud error, not a silent default). */
export function soakSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.FAASO_SOAK_SECONDS?.trim();
  if (!raw) return DEFAULT_SOAK_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5 || n > 86_400)
    throw new Error(`FAASO_SOAK_SECONDS: ${JSON.stringify(raw)} must be a whole number of seconds, 5..86400`);
  return n;
}

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** `docker stats` MemUsage ("12.5MiB / 256MiB") → bytes used (the part before the slash). */
export function parseMemUsage(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*(?:\/|$)/.exec(text);
  const unit = m ? UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new Error(`cannot parse docker stats memory ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * unit);
}

/**
 * pid and parent pid from a /proc/PID/stat line. The command name sits in
 * parentheses and may itself hold spaces or ")", so parse after the last ")".
 */
export function parseProcStat(line: string): { pid: number; ppid: number } | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  const rest = line.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(pid) && Number.isInteger(ppid) ? { pid, ppid } : null;
}

/**
 * Allowed growth of the proxy's memory from the warm sample to the end: 50 MB.
 * Why that number: Caddy idles at ~20-40 MB here, and its Go GC (GOGC=100) may
 * legitimately let the heap grow to about twice the live set, which for a few
 * keep-alive connections is well under 20 MB; so a healthy proxy stays far
 * inside 50 MB. A leak of ~600 bytes per request, over the ~100k requests of a
 * 300 s run, would cross it. (The short CI run sees fewer requests and so only
 * catches gross leaks; the long run is the real check.)
 */
export const PROXY_GROWTH_BOUND_BYTES = 50 * 1e6;

export function memoryVerdict(
  startBytes: number,
  endBytes: number,
  bound = PROXY_GROWTH_BOUND_BYTES,
): { growth: number; ok: boolean; text: string } {
  const growth = endBytes - startBytes;
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  return {
    growth,
    ok: growth <= bound,
    text: `proxy memory ${mb(startBytes)} → ${mb(endBytes)} (growth ${mb(growth)}, bound ${mb(bound)})`,
  };
}
