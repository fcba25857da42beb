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
import { PROXY_LISTEN_PORT } from '../../src/stack/render/caddyfile.ts';
import { containerCpuReader, engineCpuReader, measureCpu } from './cpu.ts';
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

/** Each variant the rendered config allows, with its Caddyfile (no access log to take away with `access_log: false`). */
const applicable = (rendered: string): { v: Variant; config: string }[] =>
  VARIANTS.flatMap((v) => {
    try {
      return [{ v, config: v.config(rendered) }];
    } catch {
      return [];
    }
  });

export async function compareVariants(stack: BenchStack, s: VariantSettings, log: Log): Promise<VariantSample[]> {
  const rendered = await fs.readFile(path.join(stack.root, 'compose', 'caddy', 'Caddyfile'), 'utf8');
  const vs = applicable(rendered);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faasobench-variants-'));
  const names = vs.map(({ v }) => variantContainer(v));
  const cleanup = async (): Promise<void> => {
    await run(dockerRm(...names));
    await fs.rm(dir, { recursive: true, force: true });
  };
  return withCleanup(cleanup, async () => {
    await run(dockerRm(...names));
    await fs.chmod(dir, 0o755); // the proxies run as uid 10001
    for (const { v, config } of vs) await fs.writeFile(path.join(dir, variantFile(v)), config, { mode: 0o644 });
    const network = `${BENCH_PROJECT}_${NETWORK}`;
    for (const { v } of vs) {
      const i = VARIANTS.indexOf(v);
      await must(
        variantContainerArgv(v, i, stack.prepared.proxyImage, dir, network),
        `starting ${variantContainer(v)}`,
      );
      await waitHealthy(variantContainer(v), variantPort(i));
    }
    const route = pingRoute(stack.prepared.plan);
    // At each container's address, as the proxy's own row: no userland port proxy in the figures.
    const at = await Promise.all(
      vs.map(async ({ v }) => ({
        v,
        url: `http://${await containerAddress(variantContainer(v))}:${PROXY_LISTEN_PORT}${route}`,
        cpu: await containerCpuReader(variantContainer(v)),
      })),
    );
    for (const { url } of at) await runWrk({ url, connections: s.connections, threads: 2, durationSec: s.warmupSec });
    const engine = await engineCpuReader();
    const out: VariantSample[] = [];
    for (let round = 0; round < s.rounds; round++) {
      log(`bench proxy: Caddy variants: round ${round + 1}/${s.rounds}`);
      for (const { v, url, cpu } of turns(at, round)) {
        const { value: r, cpu: used } = await measureCpu({ caddy: cpu, engine }, () =>
          runWrk({ url, connections: s.connections, threads: 2, durationSec: s.durationSec }),
        );
        // Cores used over the run, per request/s: CPU per request.
        const per = (cores: number | undefined): number => ((cores ?? NaN) / r.rps) * 1e6;
        out.push({
          key: v.key,
          round,
          rps: r.rps,
          cpuUs: per(used.containers.caddy),
          engineUs: per(used.containers.engine),
          errors: r.errors,
        });
      }
    }
    return out;
  });
}
