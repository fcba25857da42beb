// The Caddy side by side's reload measurements (shell): timed reloads of good
// configs, reloads of a multi-site config that cannot start with fresh
// requests after each, and a good reload after those. Each fresh request is a
// new connection, as a client that just arrived would make.
import http from 'node:http';
import https from 'node:https';
import { UserError } from '../../src/errors.ts';
import { run } from '../../src/exec/runner.ts';
import { caddyError } from '../../src/stack/proxy.ts';
import { PROXY_HEALTH_PATH } from '../../src/stack/render/caddyfile.ts';
import {
  CONFIGS,
  failingReloadArgv,
  HTTPS_NAME,
  reloadMs,
  timedCaddyArgv,
  turns,
  type CaddyVersion,
  type VersionSettings,
} from './proxy-versions-plan.ts';
import type { FailedReload, Recovery, ReloadSample } from './proxy-versions-types.ts';

/** One GET on a new connection: what a client that just arrived gets (body, or the error's code). */
export function freshGet(url: string, ca?: string): Promise<string> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { agent: false, timeout: 5000, ...(ca ? { ca } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error:${err.code ?? err.message}`));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
  });
}

/** A forced reload of `file` (or `caddy version`), timed inside the container; throws when Caddy refuses a config that should load. */
async function timedReload(v: CaddyVersion, file?: string): Promise<number> {
  const r = await run(timedCaddyArgv(v.container, file), { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new UserError(`bench proxy: reloading ${v.container}: ${caddyError(r.stderr, r.stdout)}`);
  return reloadMs(r.stderr);
}

const fileOf = (v: CaddyVersion, config: ReloadSample['config']): string | undefined =>
  config === 'http' ? CONFIGS.http : config === 'https' ? CONFIGS.https(v.key) : undefined;

export async function reloads(
  vs: CaddyVersion[],
  s: VersionSettings,
  config: ReloadSample['config'],
): Promise<ReloadSample[]> {
  const out: ReloadSample[] = [];
  for (let i = 0; i < s.reloads; i++)
    for (const v of turns(vs, i)) out.push({ key: v.key, config, ms: await timedReload(v, fileOf(v, config)) });
  return out;
}

/** Fresh requests over HTTP and HTTPS to the health endpoint: what each got ("ok", "new", or "error:CODE"), by scheme. */
async function probe(v: CaddyVersion, s: VersionSettings, ca: string | undefined): Promise<[string, string][]> {
  const answers: [string, string][] = [];
  for (let i = 0; i < s.probes; i++) {
    answers.push(['http', await freshGet(`http://127.0.0.1:${v.httpPort}${PROXY_HEALTH_PATH}`)]);
    answers.push(['https', await freshGet(`https://${HTTPS_NAME}:${v.httpsPort}${PROXY_HEALTH_PATH}`, ca)]);
  }
  return answers;
}

const errorKinds = (answers: [string, string][]): Record<string, number> => {
  const kinds: Record<string, number> = {};
  for (const [scheme, a] of answers)
    if (a !== 'new' && a !== 'ok') {
      const kind = `${scheme} ${a.replace(/^error:/, '')}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  return kinds;
};

/** Reloads of a config that cannot start; after each, fresh connections over HTTP and HTTPS must reach the old one. */
export async function failedReloads(
  vs: CaddyVersion[],
  s: VersionSettings,
  cas: Map<string, string>,
): Promise<FailedReload[]> {
  const out: FailedReload[] = [];
  for (let attempt = 0; attempt < s.failedReloads; attempt++) {
    for (const v of turns(vs, attempt)) {
      const r = await run(failingReloadArgv(v.container), { timeoutMs: 60_000 });
      const answers = await probe(v, s, cas.get(v.key));
      const kinds = errorKinds(answers);
      out.push({
        key: v.key,
        attempt,
        refused: r.exitCode !== 0,
        probes: answers.length,
        failedConfig: answers.filter(([, a]) => a === 'new').length,
        errors: Object.values(kinds).reduce((n, x) => n + x, 0),
        errorKinds: kinds,
      });
    }
  }
  return out;
}

/** A good config after the failed ones: does Caddy take it, and does it clear what they left? */
export async function recovery(vs: CaddyVersion[], s: VersionSettings, cas: Map<string, string>): Promise<Recovery[]> {
  const out: Recovery[] = [];
  for (const v of vs) {
    const ok = (await run(timedCaddyArgv(v.container, CONFIGS.https(v.key)), { timeoutMs: 60_000 })).exitCode === 0;
    const answers = await probe(v, s, cas.get(v.key));
    out.push({ key: v.key, ok, probes: answers.length, errors: answers.filter(([, a]) => a !== 'ok').length });
  }
  return out;
}
