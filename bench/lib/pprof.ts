// Summary of a Go CPU profile (pprof: gzipped protobuf, as Caddy's admin
// endpoint /debug/pprof/profile?seconds=N serves it), so a bench can print
// where Caddy's CPU goes without a Go toolchain: the top functions by self
// ("flat") time and the share of CPU spent under each category of work.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { formatMs, formatPercent, ratio } from './stats.ts';

export interface ProfileSummary {
  /** CPU seconds sampled: the sum of the samples' cpu/nanoseconds value, / 1e9. */
  seconds: number;
  /** Wall time the profile covers (durationNanos / 1e9). */
  durationSec: number;
  /** Top functions by flat time, largest first, ties by name. */
  top: { name: string; flatSec: number; cumSec: number }[];
  /** One entry per BUCKETS category, in BUCKETS order, so runs line up row by row. */
  buckets: { bucket: string; cumSec: number; share: number }[];
}

/**
 * Categories of Caddy's work, matched against every function of a sample's
 * stack: a sample counts once in each bucket that any of its frames matches.
 * Buckets overlap (a proxied request's upstream write is "reverse proxy",
 * "HTTP client to upstream" and "syscalls" at once), so shares don't add up
 * to 100 %. `net/http.(*conn).serve` is left out of the server bucket on
 * purpose: it is the root of every request's stack, so matching it would put
 * all request handling there; the bucket holds reading, parsing and writing.
 * The access log is zap (`zapcore.(*ioCore).Write`, `(*jsonEncoder)`), Caddy's
 * logging encoders and writers, `caddyhttp.(*Server).logRequest` and the
 * request/header marshalers; zap also carries Caddy's other logs, which are
 * negligible under load.
 */
export const BUCKETS: readonly { bucket: string; match: RegExp }[] = [
  {
    bucket: 'access log',
    match: /^go\.uber\.org\/zap|\/caddy\/v2\/modules\/logging\.|\blogRequest\b|caddyhttp\.Loggable|lumberjack/,
  },
  { bucket: 'reverse proxy', match: /\/reverseproxy\.|^net\/http\/httputil\.\(\*ReverseProxy\)/ },
  {
    bucket: 'HTTP server (read/parse/write)',
    match:
      /^net\/http\.(\(\*conn\)\.(readRequest|finalFlush|close)|readRequest|\(\*response\)|\(\*chunkWriter\)|\(\*connReader\)|checkConnErrorWriter|\(\*expectContinueReader\))/,
  },
  {
    bucket: 'HTTP client to upstream',
    match: /^net\/http\.(\(\*Transport\)|\(\*persistConn\)|persistConnWriter|\(\*bodyEOFSignal\)|\(\*Client\))/,
  },
  {
    bucket: 'syscalls (read/write/epoll)',
    match: /(^|\/)syscall\.|^internal\/poll\.|^golang\.org\/x\/sys\/unix\.|^runtime\.(epollwait|futex)$/,
  },
  { bucket: 'TLS', match: /^crypto\/tls\./ },
  {
    bucket: 'GC and allocation',
    match:
      /^runtime\.(gcBgMarkWorker|mallocgc|gcAssistAlloc|gcDrain|markroot|scanobject|greyobject|wbBufFlush|bgsweep|sweepone|gcStart|gcMarkDone|gcMarkTermination)|^runtime\..*scaveng/,
  },
  {
    bucket: 'scheduler',
    match:
      /^runtime\.(schedule|findRunnable|findrunnable|stealWork|netpoll|park_m|mcall|gosched_m|goschedImpl|goexit0|sysmon|wakep|startm|stopm|ready|goready)$/,
  },
];

const gzipped = (b: Uint8Array): boolean => b[0] === 0x1f && b[1] === 0x8b;

export function summarizeProfile(buf: Uint8Array, opts: { top?: number } = {}): ProfileSummary {
  const p = Profile.decode(gzipped(buf) ? gunzipSync(buf) : buf);
  const str = (i: number | bigint): string => p.stringTable.strings[Number(i)] ?? '';
  const cpuIndex = p.sampleType.findIndex((t) => str(t.type) === 'cpu');
  const vi = cpuIndex >= 0 ? cpuIndex : p.sampleType.length - 1;
  const fnName = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
  // A location's lines are its inlined frames, innermost first.
  const locFns = new Map(
    p.location.map((l) => [Number(l.id), l.line.map((ln) => fnName.get(Number(ln.functionId)) ?? '?')]),
  );
  let total = 0;
  const flat = new Map<string, number>();
  const cum = new Map<string, number>();
  const bucketNs = BUCKETS.map(() => 0);
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const s of p.sample) {
    const ns = Number(s.value[vi] ?? 0);
    total += ns;
    const frames = s.locationId.flatMap((id) => locFns.get(Number(id)) ?? []);
    if (frames[0] !== undefined) add(flat, frames[0], ns);
    for (const name of new Set(frames)) add(cum, name, ns);
    BUCKETS.forEach((b, i) => {
      if (frames.some((f) => b.match.test(f))) bucketNs[i]! += ns;
    });
  }
  const top = [...flat]
    .filter(([, ns]) => ns > 0)
    .sort(([an, a], [bn, b]) => b - a || (an < bn ? -1 : an > bn ? 1 : 0))
    .slice(0, opts.top ?? 12)
    .map(([name, ns]) => ({ name, flatSec: ns / 1e9, cumSec: (cum.get(name) ?? 0) / 1e9 }));
  return {
    seconds: total / 1e9,
    durationSec: Number(p.durationNanos) / 1e9,
    top,
    buckets: BUCKETS.map((b, i) => ({
      bucket: b.bucket,
      cumSec: bucketNs[i]! / 1e9,
      share: ratio(bucketNs[i]!, total),
    })),
  };
}

const sec = (s: number): string => formatMs(s * 1000);

/** Rows: function, flat seconds, flat share of all CPU sampled, cum seconds, cum share. */
export function profileRows(s: ProfileSummary): string[][] {
  return s.top.map((t) => [
    t.name,
    sec(t.flatSec),
    formatPercent(ratio(t.flatSec, s.seconds)),
    sec(t.cumSec),
    formatPercent(ratio(t.cumSec, s.seconds)),
  ]);
}

/** Rows: bucket, cum seconds, share of all CPU sampled ("31 %"). */
export function bucketRows(s: ProfileSummary): string[][] {
  return s.buckets.map((b) => [b.bucket, sec(b.cumSec), formatPercent(b.share)]);
}
