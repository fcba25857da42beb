// Caddy reload cost by route count, on the running bench stack: Caddyfiles with
// 1 (baseline), 10, 100 and 500 routes rendered by faaso's own generator, each
// validated the way `up` validates it and reloaded the way `up` reloads
// (`docker exec <proxy> caddy reload`, forced so every repeat does the work).
// The largest config must still route correctly. The stack's own Caddyfile is
// put back afterwards.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSettings } from '../../src/settings.ts';
import { loadTemplates } from '../../src/template/load.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { observeStack } from '../../src/stack/observe.ts';
import { reloadProxy, validateCaddyfile } from '../../src/stack/proxy.ts';
import { prepareStack, type PreparedStack } from '../../src/stack/prepare.ts';
import { manyRoutes, withRoutes } from './deploy-gen.ts';
import type { BenchProject } from './deploy-project.ts';
import { median } from './stats.ts';

export interface ReloadTiming {
  routes: number;
  reloadMs: number;
  /** `caddy validate` in a throwaway proxy container (how `up` checked every Caddyfile before). */
  validateMs: number;
  /** `caddy validate` through `docker exec` in the running proxy (how `up` checks now when a proxy runs). */
  execValidateMs: number;
  caddyfileBytes: number;
}

export interface ReloadCheck {
  routes: number;
  checked: number;
  failures: string[];
}

/** The stack as `up` sees it, in this process (no build: the images exist). */
export async function loadPrepared(p: BenchProject): Promise<PreparedStack> {
  const settings = resolveSettings({ ...process.env, ...p.env }, existsSync);
  const templates = await loadTemplates(settings.root);
  return prepareStack({ settings, templates }, { build: false }, () => {});
}

async function proxyContainer(project: string): Promise<string> {
  const proxy = (await observeStack(project)).find((c) => c.role === 'proxy');
  if (!proxy) throw new Error(`no proxy container in ${project}`);
  return proxy.name;
}

/** Asks a spread of routes (first, middle, last) and one unknown path through the proxy. */
async function checkRouting(port: number, count: number): Promise<ReloadCheck> {
  const width = Math.max(4, String(count).length);
  const picks = [...new Set([1, Math.ceil(count / 2), count])];
  const failures: string[] = [];
  for (const i of picks) {
    const url = `http://127.0.0.1:${port}/r${String(i).padStart(width, '0')}?a=${i}&b=1`;
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      (e: Error) => ({ status: 0, body: e.message }),
    );
    const sum = res.status === 200 ? (JSON.parse(res.body) as { sum?: unknown }).sum : undefined;
    if (sum !== i + 1) failures.push(`${url} → ${res.status} ${res.body.slice(0, 80)}`);
  }
  const miss = await fetch(`http://127.0.0.1:${port}/r${'9'.repeat(width + 1)}`, {
    signal: AbortSignal.timeout(10_000),
  }).then(
    (r) => r.status,
    () => 0,
  );
  if (miss !== 404) failures.push(`unknown route → ${miss}, expected 404`);
  return { routes: count, checked: picks.length + 1, failures };
}

export async function measureReloads(
  p: BenchProject,
  counts: readonly number[],
  repeats: number,
): Promise<{ timings: ReloadTiming[]; check: ReloadCheck }> {
  const stack = await loadPrepared(p);
  const proxy = await proxyContainer(stack.target.project);
  const file = path.join(stack.target.dir, 'caddy', 'Caddyfile');
  const original = await fs.readFile(file, 'utf8');
  const fns = stack.plan.services.map((s) => s.name);
  const timings: ReloadTiming[] = [];
  let check: ReloadCheck = { routes: 0, checked: 0, failures: ['not run'] };
  try {
    for (const count of counts) {
      const text = renderCaddyfile(withRoutes(stack.plan, manyRoutes(count, fns)));
      const validate: number[] = [];
      const execValidate: number[] = [];
      const reload: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const v0 = performance.now();
        const verdict = await validateCaddyfile({ image: stack.plan.proxy.image }, text);
        validate.push(performance.now() - v0);
        if (!verdict.ok) throw new Error(`Caddy rejects the ${count}-route Caddyfile: ${verdict.error}`);
        const e0 = performance.now();
        const inProxy = await validateCaddyfile({ container: proxy }, text);
        execValidate.push(performance.now() - e0);
        if (!inProxy.ok) throw new Error(`Caddy (docker exec) rejects the ${count}-route Caddyfile: ${inProxy.error}`);
        await writeFileAtomic(file, text);
        const r = await reloadProxy(proxy, { force: true });
        if (!r.ok) throw new Error(`reload with ${count} routes failed: ${r.error}`);
        reload.push(r.ms);
      }
      timings.push({
        routes: count,
        reloadMs: median(reload),
        validateMs: median(validate),
        execValidateMs: median(execValidate),
        caddyfileBytes: text.length,
      });
      if (count === Math.max(...counts)) check = await checkRouting(stack.plan.proxy.port, count);
    }
  } finally {
    await writeFileAtomic(file, original);
    await reloadProxy(proxy, { force: true });
  }
  return { timings, check };
}
