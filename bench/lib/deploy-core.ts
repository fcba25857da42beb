// The pure core's cost per function: faaso.yml text → validated config → plan →
// compose file + Caddyfile, no Docker, no disk. Timed for a large and a small
// stack in the same run: equal per-function costs mean the core is linear.
import { validateStackConfig } from '../../src/stack/config/validate.ts';
import { planStack, type FunctionImage } from '../../src/stack/plan.ts';
import { renderCompose } from '../../src/stack/render/compose.ts';
import { renderCaddyfile } from '../../src/stack/render/caddyfile.ts';
import { parseYaml } from '../../src/util/yaml.ts';
import { syntheticStackYaml } from './deploy-gen.ts';
import { median } from './stats.ts';

export interface CoreTiming {
  functions: number;
  runs: number;
  /** Median wall time of one config → plan → render pass. */
  medianMs: number;
  perFunctionMs: number;
  /** Bytes produced, so a renderer that silently drops work shows up. */
  composeBytes: number;
  caddyfileBytes: number;
}

const HEALTHCHECK = ['/usr/bin/python3', '/app/server.py', '--healthcheck'];

/** One full pass; returns the rendered texts. */
export function planAndRender(yaml: string, functions: readonly string[]): { compose: string; caddyfile: string } {
  const raw = parseYaml(yaml, 'faaso.yml');
  const { config, problems } = validateStackConfig(raw, {
    file: 'faaso.yml',
    functions,
    registry: '127.0.0.1:5000',
    hostCpus: 2,
  });
  if (!config)
    throw new Error(
      `synthetic faaso.yml is invalid: ${problems
        .slice(0, 3)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}`,
    );
  const images = new Map<string, FunctionImage>(
    functions.map((f) => [
      f,
      { hash: '0123456789ab', image: `127.0.0.1:5000/${f}:0123456789ab`, healthcheck: HEALTHCHECK },
    ]),
  );
  const plan = planStack(config, images, 'faaso/caddy:0123456789ab');
  return { compose: renderCompose(plan), caddyfile: renderCaddyfile(plan) };
}

/** Times `runs` passes (after one warm-up, so JIT and module loading are not counted). */
export function timeCore(n: number, runs: number): CoreTiming {
  const { yaml, functions } = syntheticStackYaml(n);
  const first = planAndRender(yaml, functions);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    planAndRender(yaml, functions);
    samples.push(performance.now() - start);
  }
  const medianMs = median(samples);
  return {
    functions: n,
    runs,
    medianMs,
    perFunctionMs: medianMs / n,
    composeBytes: first.compose.length,
    caddyfileBytes: first.caddyfile.length,
  };
}
