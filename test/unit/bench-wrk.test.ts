// wrk as the load generator: the argv faaso runs and the one JSON line its Lua
// hook prints, read back into figures (latencies in µs → ms, errors summed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseWrk, WRK_LUA, wrkArgv } from '../../bench/lib/wrk.ts';

const LINE =
  'FAASO_WRK {"requests":30000,"duration_us":3000000,"connect":0,"read":2,"write":0,"status":3,"timeout":1,"p50_us":412,"p90_us":900,"p99_us":2500,"mean_us":480.5,"max_us":9100}';

test('wrkArgv: threads, connections, duration, timeout, script, URL last', () => {
  assert.equal(
    wrkArgv({ url: 'http://127.0.0.1:18100/sum/ping', connections: 32, threads: 2, durationSec: 3 }, '/tmp/r.lua'),
    [
      'wrk',
      '-t',
      '2',
      '-c',
      '32',
      '-d',
      '3s',
      '--timeout',
      '5s',
      '-s',
      '/tmp/r.lua',
      'http://127.0.0.1:18100/sum/ping',
    ],
  );
});

test('wrkArgv: never more threads than connections (wrk refuses), at least one', () => {
  const argv = wrkArgv(
    { url: 'http://127.0.0.1:1/', connections: 1, threads: 2, durationSec: 1, timeoutSec: 2 },
    'x.lua',
  );
  assert.equal(argv.slice(1, 5), ['-t', '1', '-c', '1']);
  assert.ok(argv.includes('2s'));
  assert.equal(wrkArgv({ url: 'u', connections: 4, threads: 0, durationSec: 1 }, 'x.lua').slice(1, 3), ['-t', '1']);
});

test("parseWrk reads the marked line among wrk's own output", () => {
  const r = parseWrk(`Running 3s test @ http://127.0.0.1/\n  2 threads and 32 connections\n${LINE}\n`);
  assert.is(r.requests, 30000);
  assert.is(r.durationSec, 3);
  assert.is(r.rps, 10000);
  assert.is(r.p50Ms, 0.412);
  assert.is(r.p90Ms, 0.9);
  assert.is(r.p99Ms, 2.5);
  assert.is(r.meanMs, 0.4805);
  assert.is(r.maxMs, 9.1);
  assert.equal(r.errorDetail, { connect: 0, read: 2, write: 0, status: 3, timeout: 1 });
  assert.is(r.errors, 6);
});

test('parseWrk: no marked line is an error that shows the output; zero duration gives 0 rps', () => {
  assert.throws(
    () => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n'),
    /no result line[\s\S]*Connection refused/,
  );
  const r = parseWrk('FAASO_WRK {"requests":0,"duration_us":0}');
  assert.is(r.rps, 0);
  assert.is(r.errors, 0);
});

test('the Lua hook prints the fields parseWrk reads', () => {
  for (const k of ['requests', 'duration_us', 'p50_us', 'p99_us', 'timeout', 'status'])
    assert.ok(WRK_LUA.includes(`"${k}"`), k);
  assert.match(WRK_LUA, /^done = function\(summary, latency, requests\)/);
});

test.run();
