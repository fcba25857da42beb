// The pprof summary: a small Go-like CPU profile made with pprof-format's
// encoder, gzipped as Caddy serves it, read back into seconds, the top
// functions by flat time, the buckets and their table rows.
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Profile, StringTable } from 'pprof-format';
import { BUCKETS, bucketRows, profileRows, summarizeProfile } from '../../bench/lib/pprof.ts';

const FUNCTIONS = [
  'internal/runtime/syscall.Syscall6', // 1
  'syscall.write', // 2, inlined into 3
  'internal/poll.(*FD).Write', // 3
  'go.uber.org/zap/zapcore.(*ioCore).Write', // 4
  'go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry', // 5
  'github.com/caddyserver/caddy/v2/modules/caddyhttp.(*Server).logRequest', // 6
  'github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy.(*Handler).ServeHTTP', // 7
  'net/http.(*persistConn).writeLoop', // 8
  'net/http.(*conn).serve', // 9
  'runtime.mallocgc', // 10
  'runtime.findRunnable', // 11
  'runtime.schedule', // 12
  'runtime.mcall', // 13
  'net/http.readRequest', // 14
  'net/textproto.(*Reader).readLineSlice', // 15, inlined into 14
];
// Location id → function ids, innermost first; locations 2 and 13 hold inlined frames.
const LOCATIONS = [[1], [2, 3], [4], [6], [9], [5], [10], [7], [8], [11], [12], [13], [15, 14]];
// [leaf-first location ids, CPU milliseconds]
const SAMPLES: [number[], number][] = [
  [[1, 2, 3, 4, 5], 30], // access log write: syscalls thrice, access log twice
  [[6, 3, 4, 5], 20], // JSON encoding of the access log entry
  [[7, 8, 5], 10], // allocation in the reverse proxy
  [[1, 2, 9], 20], // writing to the upstream
  [[10, 11, 12], 10], // scheduler
  [[13, 5], 10], // reading a request: the server bucket is hit only through the inlined caller
];

function profile(typeNames = ['samples', 'cpu']): Uint8Array {
  const st = new StringTable();
  return new Profile({
    sampleType: typeNames.map((t, i) => ({ type: st.dedup(t), unit: st.dedup(i === 0 ? 'count' : 'nanoseconds') })),
    function: FUNCTIONS.map((name, i) => ({ id: i + 1, name: st.dedup(name) })),
    location: LOCATIONS.map((fns, i) => ({ id: i + 1, line: fns.map((functionId) => ({ functionId })) })),
    sample: SAMPLES.map(([locationId, ms]) => ({ locationId, value: [ms / 10, ms * 1e6] })),
    stringTable: st,
    durationNanos: 30_000_000_000n,
    period: 10_000_000,
  }).encode();
}

test('seconds, duration and the top functions by flat, ties by name', () => {
  const s = summarizeProfile(gzipSync(profile()));
  assert.is(s.seconds, 0.1);
  assert.is(s.durationSec, 30);
  assert.equal(s.top, [
    { name: 'internal/runtime/syscall.Syscall6', flatSec: 0.05, cumSec: 0.05 },
    { name: 'go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry', flatSec: 0.02, cumSec: 0.02 },
    { name: 'net/textproto.(*Reader).readLineSlice', flatSec: 0.01, cumSec: 0.01 },
    { name: 'runtime.findRunnable', flatSec: 0.01, cumSec: 0.01 },
    { name: 'runtime.mallocgc', flatSec: 0.01, cumSec: 0.01 },
  ]);
  assert.equal(
    summarizeProfile(gzipSync(profile()), { top: 2 }).top.map((t) => t.name),
    ['internal/runtime/syscall.Syscall6', 'go.uber.org/zap/zapcore.(*jsonEncoder).EncodeEntry'],
  );
});

test('buckets count a sample once each, in BUCKETS order, overlapping', () => {
  const s = summarizeProfile(gzipSync(profile()));
  assert.equal(
    s.buckets.map((b) => b.bucket),
    BUCKETS.map((b) => b.bucket),
  );
  const cum = Object.fromEntries(s.buckets.map((b) => [b.bucket, b.cumSec]));
  assert.equal(cum, {
    'access log': 0.05,
    'reverse proxy': 0.01,
    'HTTP server (read/parse/write)': 0.01, // (*conn).serve alone is not the server's work
    'HTTP client to upstream': 0.02,
    'syscalls (read/write/epoll)': 0.05,
    TLS: 0,
    'GC and allocation': 0.01,
    scheduler: 0.01,
  });
  assert.equal(
    s.buckets.map((b) => b.share),
    [0.5, 0.1, 0.1, 0.2, 0.5, 0, 0.1, 0.1],
  );
});

test('rows: seconds with their share of the CPU sampled', () => {
  const s = summarizeProfile(gzipSync(profile()));
  assert.equal(profileRows(s)[0], ['internal/runtime/syscall.Syscall6', '50.0 ms', '50 %', '50.0 ms', '50 %']);
  assert.equal(bucketRows(s)[0], ['access log', '50.0 ms', '50 %']);
  assert.equal(bucketRows(s)[5], ['TLS', '0.000 ms', '0 %']);
});

test('a raw (not gzipped) profile reads the same; without a "cpu" type the last value counts', () => {
  assert.equal(summarizeProfile(profile()), summarizeProfile(gzipSync(profile())));
  assert.is(summarizeProfile(profile(['samples', 'wall'])).seconds, 0.1);
  const empty = summarizeProfile(new Profile({}).encode());
  assert.equal([empty.seconds, empty.top, bucketRows(empty)[0]], [0, [], ['access log', '0.000 ms', '-']]);
});

test.run();
