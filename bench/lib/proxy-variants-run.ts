// The proxy bench's Caddy variants (the shell; proxy-variants.ts is the plan):
// each variant's Caddyfile in a container of faaso's proxy image beside the
// bench stack, /ping of one route through each in turn, CPU from each cgroup.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { dockerRm } from '../../src/docker/argv.ts';
import { NETWORK } from '../../src/stack/render/shared.ts';
import { containerCpuReader, engineCpuReader } from './cpu.ts';
import { BENCH_PROJECT } from './proxy-plan.ts';
import { containerAddress, type BenchStack } from './proxy-stack.ts';
import {
  VARIANTS,
  variantContainer,
  variantContainerArgv,
  variantFile,
  variantPort,
  type Variant,
  type VariantSample,
} from './proxy-variants.ts';
import { must, waitHealthy } from './proxy-versions.ts';
import { pingRoute, turns } from './proxy-versions-plan.ts';
import { runWrk } from './wrk.ts';

type Log = (line: string) => void;

export interface VariantSettings {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
}

/** The variants the rendered config allows (no access log to take away with `access_log: false`). */
const applicable = (rendered: string): Variant[] =>
  VARIANTS.filter((v) => {
    try {
      v.config(rendered);
      return true;
    } catch {
      return false;
    }
  });

export async function compareVariants(stack: BenchStack, s: VariantSettings, log: Log): Promise<VariantSample[]> {
  const rendered = await fs.readFile(path.join(stack.root, 'compose', 'caddy', 'Caddyfile'), 'utf8');
  const vs = applicable(rendered);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faasobench-variants-'));
  const names = vs.map(variantContainer);
  const cleanup = async (): Promise<void> => {
    await run(dockerRm(...names));
    await fs.rm(dir, { recursive: true, force: true });
  };
  return withCleanup(cleanup, async () => {
    await run(dockerRm(...names));
    await fs.chmod(dir, 0o755); // the proxies run as uid 10001
    for (const v of vs) await fs.writeFile(path.join(dir, variantFile(v)), v.config(rendered), { mode: 0o644 });
    const network = `${BENCH_PROJECT}_${NETWORK}`;
    const at = vs.map((v) => ({ v, port: variantPort(VARIANTS.indexOf(v)) }));
    for (const { v, port } of at) {
      await must(
        variantContainerArgv(v, VARIANTS.indexOf(v), stack.prepared.proxyImage, dir, network),
        `starting ${variantContainer(v)}`,
      );
      await waitHealthy(variantContainer(v), port);
    }
    const route = pingRoute(stack.prepared.plan);
    // At each container's address, as the proxy's own row: no userland port proxy in the figures.
    const bases = new Map(
      await Promise.all(
        at.map(async ({ v }) => [v.key, `http://${await containerAddress(variantContainer(v))}:8080`] as const),
      ),
    );
    const url = (v: Variant): string => `${bases.get(v.key)}${route}`;
    const readers = new Map(
      await Promise.all(at.map(async ({ v }) => [v.key, await containerCpuReader(variantContainer(v))] as const)),
    );
    for (const { v } of at)
      await runWrk({ url: url(v), connections: s.connections, threads: 2, durationSec: s.warmupSec });
    const engine = await engineCpuReader();
    const out: VariantSample[] = [];
    for (let round = 0; round < s.rounds; round++) {
      log(`bench proxy: Caddy variants: round ${round + 1}/${s.rounds}`);
      for (const { v } of turns(at, round)) {
        const cpu = readers.get(v.key);
        const c0 = cpu ? await cpu().catch(() => NaN) : NaN;
        const e0 = await engine();
        const r = await runWrk({ url: url(v), connections: s.connections, threads: 2, durationSec: s.durationSec });
        const c1 = cpu ? await cpu().catch(() => NaN) : NaN;
        const e1 = await engine();
        const per = (seconds: number): number => (seconds * 1e6) / r.requests;
        out.push({ key: v.key, round, rps: r.rps, cpuUs: per(c1 - c0), engineUs: per(e1 - e0), errors: r.errors });
      }
    }
    return out;
  });
}
