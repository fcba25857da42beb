// npx zx bench/footprint.mjs [NAME…] [--quick]: image size per runtime and idle
// memory per function container, against the base image (size) and a container
// of the base image running `sleep infinity` (memory), plus faaso's Caddy proxy
// routing to the functions. Containers run with the stack's own hardening and
// limits on a private network; everything is removed afterwards, also on error.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { ensureEngine, imageInfo } from '../../src/docker/engine.ts';
import { ensureInfraImage } from '../../src/images/infra.ts';
import { loadFunctions } from '../../src/function/load.ts';
import type { FunctionSpec } from '../../src/function/types.ts';
import { planFunction } from '../../src/build/build.ts';
import { renderCaddyfile, PROXY_HEALTH_PATH } from '../../src/stack/render/caddyfile.ts';
import { DEFAULT_LIMITS } from '../../src/stack/config/rules.ts';
import { parseCli } from '../../src/cli/entry.ts';
import { log } from '../../src/cli/context.ts';
import { openProject } from '../../src/project.ts';
import {
  FOOTPRINT_HEADER,
  footprintRows,
  footprintSummary,
  parseStats,
  STACK_RUN_FLAGS,
  type FootprintRow,
} from './footprint-parse.ts';
import { describeMachine, formatSection, machineInfo, saveResults } from './report.ts';
import { median } from './stats.ts';
import { startContainers, type BenchContainer } from './footprint-run.ts';
import { statsArgv } from './argv.ts';

const USAGE =
  'npx zx bench/footprint.mjs [NAME…] [--quick] [--idle SECONDS]\n  default functions: sum (python), multiply (node), hello (crystal), as built by npx zx scripts/build.mjs --all';
const DEFAULT_FUNCTIONS = ['sum', 'multiply', 'hello'];
/** The lead's split: the footprint bench publishes on 18400-18499 only. */
const PORT_BASE = 18400;

/** The image `up` would run for a function: its content tag, or `latest` when the sources changed since the build. */
async function functionImage(
  name: string,
  plan: Awaited<ReturnType<typeof planFunction>>,
): Promise<{ ref: string; size: number; note: string }> {
  for (const [ref, note] of [
    [plan.image.hashRef, ''],
    [plan.image.latestRef, ' (latest: sources changed since the build)'],
  ] as const) {
    const info = await imageInfo(ref);
    if (info) return { ref, size: info.size, note };
  }
  throw new UserError(
    `${name} has no image (${plan.image.hashRef})`,
    'build the examples first: npx zx scripts/build.mjs --all',
  );
}

async function sampleMemory(names: string[], samples: number): Promise<Map<string, number>> {
  const seen = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < samples; i++) {
    const r = await run(statsArgv(names), { timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(`docker stats failed: ${r.stderr.trim()}`);
    for (const [name, bytes] of parseStats(r.stdout)) seen.get(name)?.push(bytes);
  }
  return new Map([...seen].map(([n, v]) => [n, median(v)]));
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseCli(
    args,
    {
      quick: { type: 'boolean' },
      idle: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const quick = !!values.quick;
  const idleSec = values.idle === undefined ? (quick ? 3 : 8) : Number(values.idle);
  if (!(idleSec >= 0 && idleSec <= 120))
    throw new UserError(`--idle: ${values.idle} is not a number of seconds in 0..120`, `usage: ${USAGE}`);
  const samples = quick ? 1 : 3;
  const project = await openProject();
  await ensureEngine();
  const machine = await machineInfo(project.settings.root);
  log(describeMachine(machine));

  const specs = await loadFunctions(
    project.settings.root,
    positionals.length > 0 ? positionals : DEFAULT_FUNCTIONS,
    project.templates,
  );
  const fns: { spec: FunctionSpec; ref: string; size: number; note: string; healthcheck: readonly string[] }[] = [];
  for (const spec of specs) {
    const plan = await planFunction(spec, project.templates.get(spec.runtime)!, project.settings);
    fns.push({
      spec,
      ...(await functionImage(spec.name, plan)),
      healthcheck: project.templates.get(spec.runtime)!.healthcheck,
    });
  }
  const baseInfo = await imageInfo(project.settings.baseImage);
  if (!baseInfo)
    throw new UserError(`the base image ${project.settings.baseImage} is missing`, 'npx zx scripts/setup.mjs');
  const proxyImage = await ensureInfraImage(project.settings.root, 'caddy', log);
  const proxySize = (await imageInfo(proxyImage))!.size;

  // The proxy's routes: one per function, rendered by faaso's own generator.
  const caddyfile = renderCaddyfile({
    target: 'compose',
    project: 'faaso-footprint',
    bind: '127.0.0.1',
    proxy: { port: PORT_BASE, image: proxyImage },
    services: fns.map((f, i) => ({
      name: f.spec.name,
      image: f.ref,
      hash: '',
      port: PORT_BASE + 1 + i,
      env: {},
      limits: { ...DEFAULT_LIMITS },
      replicas: 1,
      parallelism: 1,
      healthcheck: [...f.healthcheck],
      paths: [`/${f.spec.name}`],
    })),
    routes: fns.map((f) => ({ path: `/${f.spec.name}`, function: f.spec.name })),
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'faaso-footprint-'));
  await fs.writeFile(path.join(dir, 'Caddyfile'), caddyfile);
  await fs.chmod(dir, 0o755);
  await fs.chmod(path.join(dir, 'Caddyfile'), 0o644);

  const wanted: BenchContainer[] = [
    {
      name: 'faaso-footprint-base',
      image: project.settings.baseImage,
      flags: [...STACK_RUN_FLAGS],
      command: ['sleep', 'infinity'],
    },
    ...fns.map((f, i) => ({
      name: `faaso-footprint-${f.spec.name}`,
      alias: f.spec.name,
      image: f.ref,
      flags: [...STACK_RUN_FLAGS],
      port: PORT_BASE + 1 + i,
      probe: '/ping',
    })),
    {
      name: 'faaso-footprint-proxy',
      image: proxyImage,
      port: PORT_BASE,
      probe: PROXY_HEALTH_PATH,
      flags: [
        ...STACK_RUN_FLAGS,
        '-v',
        `${dir}:/etc/faaso/caddy:ro`,
        '-e',
        'XDG_CONFIG_HOME=/tmp/caddy-config',
        '-e',
        'XDG_DATA_HOME=/tmp/caddy-data',
      ],
      command: ['caddy', 'run', '--config', '/etc/faaso/caddy/Caddyfile', '--adapter', 'caddyfile'],
    },
  ];
  const memory = await withCleanup(
    () => fs.rm(dir, { recursive: true, force: true }),
    () =>
      startContainers(wanted, 'faaso-footprint-net', async () => {
        // A few requests through the proxy first: idle means "served, then quiet", not "never touched".
        for (const f of fns)
          for (let i = 0; i < 20; i++)
            await fetch(`http://127.0.0.1:${PORT_BASE}/${f.spec.name}`)
              .then((r) => r.arrayBuffer())
              .catch(() => undefined);
        log(`idle for ${idleSec}s, then ${samples} docker stats sample(s)…`);
        await new Promise((r) => setTimeout(r, idleSec * 1000));
        return sampleMemory(
          wanted.map((c) => c.name),
          samples,
        );
      }),
  );

  const base: FootprintRow = {
    what: 'base (sleep infinity)',
    image: project.settings.baseImage,
    sizeBytes: baseInfo.size,
    memBytes: memory.get('faaso-footprint-base') ?? NaN,
  };
  const rows: FootprintRow[] = fns.map((f) => ({
    what: `${f.spec.name} (${f.spec.runtime})`,
    image: f.ref + f.note,
    sizeBytes: f.size,
    memBytes: memory.get(`faaso-footprint-${f.spec.name}`) ?? NaN,
  }));
  rows.push({
    what: 'proxy (caddy)',
    image: proxyImage,
    sizeBytes: proxySize,
    memBytes: memory.get('faaso-footprint-proxy') ?? NaN,
  });
  log(
    formatSection(
      `Image size vs ${base.image}, idle memory (limit ${DEFAULT_LIMITS.memory}, ${idleSec}s idle, median of ${samples}) vs a sleep container`,
      FOOTPRINT_HEADER,
      footprintRows(rows, base),
    ),
  );
  log(footprintSummary(rows, base));
  const file = await saveResults(project.settings.root, 'footprint', machine, { idleSec, samples, base, rows });
  log(`results: ${path.relative(process.cwd(), file)}`);
  return 0;
}
