// faaso.yml `proxy.access_log`: on by default (users expect one JSON line per
// request), `false` drops Caddy's access log — its largest per-request cost —
// from the generated Caddyfile and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatProblem } from '../../src/errors.ts';
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import { planStack } from '../../src/stack/plan.ts';
import { ACCESS_LOG_PIPE, renderCaddyfile, routesVersion } from '../../src/stack/render/caddyfile.ts';
import type { StackConfig } from '../../src/stack/types.ts';
import { REPO_ROOT } from '../../src/settings.ts';

const images = new Map([
  [
    'sum',
    {
      image: '127.0.0.1:5000/sum:0123456789ab',
      hash: '0123456789ab',
      healthcheck: ['/usr/bin/python3', '/app/server.py', '--healthcheck'],
    },
  ],
]);

function config(proxy: unknown): StackConfig {
  const r = validateStackConfig(
    { routes: { '/sum': 'sum' }, proxy },
    { file: 'faaso.yml', functions: ['sum'], registry: '127.0.0.1:5000', hostCpus: 2 },
  );
  assert.equal(r.problems.map(formatProblem), []);
  return r.config!;
}

const caddyfile = (proxy: unknown): string =>
  renderCaddyfile(planStack(config(proxy), images, 'faaso/caddy:0123456789ab'));

test('absent, empty or true: the access log stays, and the config reads as before', () => {
  for (const proxy of [undefined, null, { port: 8080 }, { access_log: true }, { access_log: null }]) {
    assert.equal(config(proxy).proxy, { port: 8080 }, JSON.stringify(proxy));
    // the global log (Caddy's own messages) and the site's access log
    assert.is(caddyfile(proxy).match(/format json/g)?.length, 2);
  }
});

test("false: no access log in the site, Caddy's own log kept, health checks and routes unchanged", () => {
  assert.equal(config({ access_log: false, port: 9090 }).proxy, { port: 9090, accessLog: false });
  const off = caddyfile({ access_log: false });
  const on = caddyfile({});
  assert.is(off.match(/format json/g)?.length, 1);
  assert.match(off, /^# [^\n]*\n\{\n[\s\S]*?\n\tlog \{\n\t\toutput stdout\n\t\tformat json\n\t\}\n/);
  assert.match(off, /\n:8080 \{\n\thandle \/__faaso\/health \{\n/);
  // everything after the site's log block is the same, but for the routes' version (a hash of the whole file)
  const after = (t: string) =>
    t.slice(t.indexOf('\thandle /__faaso/health')).replace(/X-Faaso-Routes \w+/, 'X-Faaso-Routes V');
  assert.is(after(off), after(on));
  assert.is.not(routesVersion(off), routesVersion(on));
  // still caddy fmt layout: no blank line right after the opening brace
  assert.not.match(off, /\{\n\n/);
});

test('anything but a boolean is a problem naming proxy.access_log', () => {
  for (const bad of ['no', 0, 'false', []]) {
    const r = validateStackConfig(
      { routes: { '/sum': 'sum' }, proxy: { access_log: bad } },
      { file: 'faaso.yml', functions: ['sum'], registry: '127.0.0.1:5000', hostCpus: 2 },
    );
    assert.equal(r.problems.map(formatProblem), [
      `faaso.yml: proxy.access_log: must be true or false (got ${Array.isArray(bad) ? 'a list' : typeof bad === 'number' ? 'an integer' : 'a string'})`,
    ]);
  }
});

test('an unknown proxy key still gets a "did you mean"', () => {
  const r = validateStackConfig(
    { routes: { '/sum': 'sum' }, proxy: { acces_log: false } },
    { file: 'faaso.yml', functions: ['sum'], registry: '127.0.0.1:5000', hostCpus: 2 },
  );
  assert.match(
    r.problems.map(formatProblem).join('\n'),
    /proxy\.acces_log: unknown field "acces_log" \(did you mean "access_log"\?\)/,
  );
});

test("one pipe: the rendered log, the image's default Caddyfile and its entrypoint's relay name the same path", () => {
  const image = (f: string): string => fs.readFileSync(path.join(REPO_ROOT, 'images', 'caddy', f), 'utf8');
  assert.ok(caddyfile({}).includes(`\t\toutput file ${ACCESS_LOG_PIPE} {\n\t\t\troll_disabled\n\t\t}\n`));
  assert.ok(image('Caddyfile').includes(`\t\toutput file ${ACCESS_LOG_PIPE} {\n\t\t\troll_disabled\n\t\t}\n`));
  assert.ok(image('faaso-proxy').includes(`\nmy $PIPE = '${ACCESS_LOG_PIPE}';\n`));
  assert.match(image('Dockerfile'), /\nENTRYPOINT \["\/usr\/local\/bin\/faaso-proxy"\]\n/);
});

test.run();
