// npx zx bench/deploy.mjs [--quick]: how long deploying takes, each figure next
// to a baseline measured in the same run:
// - up → all healthy for 3, 10, 30 functions vs `docker compose up -d --wait` of the same file;
// - Caddy reload with 10, 100, 500 routes vs 1 route (and 500 routes still answer);
// - redeploy of a 1-replica function, and a rolling update of 3 replicas, under
//   load from clients that never retry, each vs compose recreating the service;
// - the pure core's plan + render of 1,000 functions vs 10 (linear?).
// Runs in a throwaway project (FAASO_ROOT) as stack faasobench-deploy on ports
// 18200-18399; every stack is torn down afterwards, also on error or Ctrl-C.
import path from 'node:path';
import { UserError } from '../../src/errors.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { ensureEngine } from '../../src/docker/engine.ts';
import { parseCli } from '../../src/cli/entry.ts';
import { log } from '../../src/cli/context.ts';
import { openProject } from '../../src/project.ts';
import { timeCore } from './deploy-core.ts';
import { functionNames } from './deploy-gen.ts';
import { createProject, DOCKER_GONE, removeProject, runScriptOk } from './deploy-project.ts';
import { waitForDocker } from './docker.ts';
import { measureReloads } from './deploy-reload.ts';
import {
  CORE_HEADER,
  coreRows,
  deploySummary,
  REDEPLOY_HEADER,
  redeployRows,
  RELOAD_HEADER,
  reloadRows,
  STEPS_HEADER,
  stepRows,
  UP_HEADER,
  upRows,
  type DeployResults,
} from './deploy-rows.ts';
import { measureRedeploy } from './deploy-redeploy.ts';
import { downBoth, measureUp } from './deploy-up.ts';
import { summarizeExec } from './exec-log.ts';
import { describeMachine, formatSection, machineInfo, saveResults } from './report.ts';
import { formatMs } from './stats.ts';
import { ensureWrk } from './wrk.ts';

/** The redeploy cases: one replica, then a rolling update of several. */
const REDEPLOY_REPLICAS = [1, 3];

const USAGE = 'npx zx bench/deploy.mjs [--quick] [--sizes 3,10,30] [--routes 10,100,500] [--rounds N]';

function numbers(raw: string | undefined, fallback: number[], flag: string, max: number): number[] {
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > max)) {
    throw new UserError(
      `--${flag}: expected whole numbers from 1 to ${max}, comma-separated (got ${JSON.stringify(raw)})`,
      `usage: ${USAGE}`,
    );
  }
  return list;
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      quick: { type: 'boolean' },
      sizes: { type: 'string' },
      routes: { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const quick = !!values.quick;
  const sizes = numbers(values.sizes as string | undefined, quick ? [3] : [3, 10, 30], 'sizes', 150);
  const routeCounts = [
    1,
    ...numbers(values.routes as string | undefined, quick ? [10] : [10, 100, 500], 'routes', 5000),
  ];
  const rounds = numbers(values.rounds as string | undefined, [quick ? 1 : 2], 'rounds', 10)[0]!;
  const { settings } = await openProject();
  await ensureEngine();
  await ensureWrk();
  const machine = await machineInfo(settings.root);
  log(describeMachine(machine));

  // The pure core first: no Docker, and nothing else of the bench running yet.
  const core = [timeCore(10, 50), timeCore(1000, quick ? 3 : 7)];
  log(
    formatSection(
      'Pure core: faaso.yml → config → plan → compose file + Caddyfile (no Docker), median',
      CORE_HEADER,
      coreRows(core),
    ),
  );

  const names = functionNames(Math.max(...sizes));
  const project = await createProject(names);
  const results: DeployResults = { ups: [], failures: [], reloads: [], check: null, redeploys: [], core };
  let buildMs = 0;
  await withCleanup(
    async () => {
      await downBoth(project);
      await removeProject(project);
    },
    async () => {
      // Images first, untimed in the figures below: copies of `sum` build from cache.
      const build = await runScriptOk(project, 'build', names);
      buildMs = build.ms;
      log(
        `built ${names.length} copies of sum in ${formatMs(build.ms)} (${summarizeExec(build.exec).dockerCalls} docker calls; not part of the figures below)`,
      );
      for (const n of [...sizes].sort((a, b) => a - b)) {
        log(`up → healthy with ${n} functions (faaso, then plain compose)…`);
        const small = n === Math.min(...sizes);
        for (let attempt = 1; attempt <= 2; attempt++) {
          // Restart policies bring the stacks' containers back in the 10 s after the engine answers.
          await waitForDocker(120_000, { pollMs: 3000, settleMs: 10_000 });
          const error = await measureSize(n, small);
          if (!error) break;
          // Docker restarted mid-measurement (not faaso's doing): measure this size once more.
          if (attempt === 1 && DOCKER_GONE.test(error)) {
            log(`  docker restarted during the ${n}-function run; waiting for it and measuring again…`);
            continue;
          }
          results.failures.push({ functions: n, error });
          log(`  ${n} functions: FAILED: ${error}`);
          break;
        }
      }
    },
  );

  /** One size; returns why it failed (one line) instead of throwing, so the other sizes still run. */
  async function measureSize(n: number, small: boolean): Promise<string | undefined> {
    try {
      const up = await measureUp(
        project,
        names.slice(0, n),
        !small
          ? undefined
          : async () => {
              log(`caddy reloads with ${routeCounts.join(', ')} routes…`);
              const reloads = await measureReloads(project, routeCounts, quick ? 3 : 5);
              results.reloads = reloads.timings;
              results.check = reloads.check;
              log(
                formatSection(
                  'Caddy reload via docker exec, forced (median); validate = the check up runs before writing (throwaway container vs in the running proxy)',
                  RELOAD_HEADER,
                  reloadRows(results.reloads),
                ),
              );
              for (const replicas of REDEPLOY_REPLICAS) {
                const what =
                  replicas === 1 ? 'redeploy of a 1-replica function' : `rolling update of ${replicas} replicas`;
                log(`${what} under load (${rounds} round(s))…`);
                const c = await measureRedeploy(project, names[0]!, replicas, rounds);
                results.redeploys.push(c);
                log(
                  formatSection(
                    `${what[0]!.toUpperCase()}${what.slice(1)} with a new image vs compose recreating it, under clients that never retry\n` +
                      "(wrk: 1 connection through the route, 1 on the function's own port; GET and POST loops: 2 workers each over both;\n" +
                      'each load cell: failed/requests, p99, max; wrk corrects its percentiles for stalls, the loops do not)',
                    REDEPLOY_HEADER,
                    redeployRows(c),
                  ),
                );
                log(
                  formatSection(
                    `Where faaso's ${what} spent its time (exec log; sums over the batches; before = node start, image and\n` +
                      "Caddyfile checks, observing; after = waiting for Docker's healthcheck to judge the new replicas)",
                    STEPS_HEADER,
                    stepRows(c),
                  ),
                );
              }
            },
      );
      results.ups.push(up);
      log(`  ${upRows([up])[0]!.join('  ')}`);
    } catch (err) {
      // One size failing (e.g. functions turning unhealthy) still reports the others.
      const lines = (err as Error).message.split('\n').filter((l) => l.trim());
      return [lines[0], ...lines.slice(-2)].join(' | ');
    }
    return undefined;
  }

  log(
    formatSection(
      'Up → all functions healthy (faaso up from nothing vs docker compose up -d --wait of the same file)',
      UP_HEADER,
      upRows(results.ups),
    ),
  );
  for (const f of results.failures) log(`${f.functions} functions: FAILED: ${f.error}`);
  if (results.check && results.check.failures.length > 0)
    log(`routing check with ${results.check.routes} routes FAILED:\n  ${results.check.failures.join('\n  ')}`);
  else if (results.check)
    log(`routing check with ${results.check.routes} routes: ${results.check.checked} requests answered correctly`);
  log(deploySummary(results));
  const file = await saveResults(settings.root, 'deploy', machine, { buildMs, ...results });
  log(`results: ${path.relative(process.cwd(), file)}`);
  return results.failures.length > 0 ? 1 : 0;
}
