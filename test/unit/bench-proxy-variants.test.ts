// The proxy bench's Caddy variants: copies of the rendered Caddyfile that each
// take one thing away, and only that thing; rows with the CPU each one saves.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VARIANTS, variantPort, variantRows, type VariantSample } from '../../bench/lib/proxy-variants.ts';
import { REPO } from '../integration/helpers.ts';

const rendered = fs.readFileSync(path.join(REPO, 'test', 'fixtures', 'caddy', 'Caddyfile'), 'utf8');
const variant = (key: string): string => VARIANTS.find((v) => v.key === key)!.config(rendered);
const globalOptions = rendered.slice(0, rendered.indexOf('\n}\n') + 3);

test('as rendered is the file itself; every copy keeps the global options (and so Caddy’s own log)', () => {
  assert.is(variant('rendered'), rendered);
  for (const v of VARIANTS) assert.ok(v.config(rendered).startsWith(globalOptions), v.key);
});

test('without headers: the site log drops request and response headers, nothing else changes', () => {
  const t = variant('no-headers');
  assert.match(
    t,
    /\tlog \{\n\t\toutput file \/tmp\/faaso-access\.pipe \{\n\t\t\troll_disabled\n\t\t\}\n\t\tformat filter \{\n\t\t\twrap json\n\t\t\trequest>headers delete\n\t\t\tresp_headers delete\n\t\t\}\n\t\}\n/,
  );
  assert.is(t.replace(/\tlog \{\n\t\toutput file[\s\S]*?\n\t\}\n/, ''), variant('no-log'));
});

test('without the access log: the site has no log block; health and routes stay', () => {
  const t = variant('no-log');
  const site = t.slice(globalOptions.length);
  assert.not.match(site, /\blog \{/);
  assert.match(site, /skip_log/);
  assert.is(site.match(/reverse_proxy \{/g)!.length, rendered.match(/reverse_proxy \{/g)!.length);
});

test('fixed upstreams: every dynamic a becomes a "to" of the same name and port', () => {
  const t = variant('static');
  assert.not.match(t, /dynamic a/);
  assert.match(t, /\tto multiply:3000\n/);
  assert.match(t, /\tto hello:3000\n/);
  assert.match(t, /lb_try_duration 10s/);
});

test('a config with nothing to take away is refused, so the bench skips that copy', () => {
  const noLog = variant('no-log');
  assert.throws(() => VARIANTS.find((v) => v.key === 'no-log')!.config(noLog), /no access log to take away/);
  assert.ok(new Set(VARIANTS.map((_, i) => variantPort(i))).size === VARIANTS.length);
  assert.ok(VARIANTS.every((_, i) => variantPort(i) >= 18100 && variantPort(i) <= 18199));
});

test('straight to stdout: the site log skips the relay (a write to Docker per request), nothing else changes', () => {
  const t = variant('stdout');
  assert.match(t, /\n:8080 \{\n\tlog \{\n\t\toutput stdout\n\t\tformat json\n\t\}\n/);
  assert.not.match(t, /faaso-access\.pipe/);
  assert.match(rendered, /\n:8080 \{\n\tlog \{\n\t\toutput file \/tmp\/faaso-access\.pipe \{\n\t\t\troll_disabled\n/);
  const site = (text: string): string => text.slice(globalOptions.length);
  assert.is(site(t).replace(/\tlog \{\n\t\toutput stdout\n\t\tformat json\n\t\}\n/, ''), site(variant('no-log')));
});

test('rows: medians per copy, Caddy and Docker CPU, and what each saves against the rendered config', () => {
  const s = (key: string, round: number, rps: number, cpuUs: number, engineUs: number): VariantSample => ({
    key,
    round,
    rps,
    cpuUs,
    engineUs,
    errors: 0,
  });
  const rows = variantRows([
    s('rendered', 0, 5000, 200, 100),
    s('rendered', 1, 5200, 180, 100),
    s('rendered', 2, 1000, 900, 100),
    s('no-log', 0, 7000, 150, 0),
    s('no-log', 1, 7100, 140, 0),
    s('no-log', 2, 6900, 160, 0),
  ]);
  assert.equal(rows, [
    ['as faaso renders it (access log relayed in batches)', '5000', '200 µs', '100 µs', '300 µs', '–', '0'],
    ['no access log', '7000', '150 µs', '0 µs', '150 µs', '150 µs (50 %)', '0'],
  ]);
});

test.run();
