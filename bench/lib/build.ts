// npx zx bench/build.mjs [--quick] [--runtimes python,node,crystal,crystal-fast] [--no-parallel]
// Per runtime: cold build, no-change rebuild and one-line change, faaso against
// plain `docker build` of the exported context, side by side in one run; then
// `build --all` one at a time against the parallel default.
import os from 'node:os';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { UserError } from '../../src/errors.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { ensureEngine } from '../../src/docker/engine.ts';
import { REPO_ROOT, resolveSettings } from '../../src/settings.ts';
import { buildJobs } from '../../src/util/pool.ts';
import { parseCli } from '../../src/cli/entry.ts';
import { median } from './stats.ts';
import { describeMachine, formatSection, machineInfo, saveResults } from './report.ts';
import {
  benchName,
  changeLine,
  depsVerdict,
  installSteps,
  phasesFromLines,
  selectRuntimes,
  type RuntimeCase,
} from './build-plan.ts';
import {
  CASE_HEADER,
  PARALLEL_HEADER,
  caseRows,
  parallelRows,
  summaryLine,
  type CaseResult,
  type ParallelResult,
} from './build-report.ts';
import {
  benchProject,
  changeExport,
  changeFunction,
  cleanupBench,
  faasoScript,
  noChangeInProcess,
  npxZx,
  plainDockerBuild,
  type BenchProject,
  type TimedRun,
} from './build-steps.ts';
import {
  PROFILE_HEADER,
  PROFILE_ROUNDS,
  measureProfiles,
  profilePairs,
  profileRows,
  profileSummary,
  type ProfileResult,
} from './build-profile.ts';
import { crystalBaseline } from './build-baseline.ts';
import { ensureWrk } from './wrk.ts';
import { waitForDocker } from './docker.ts';

const USAGE = `npx zx bench/build.mjs [--quick] [--runtimes python,node,crystal,crystal-fast] [--no-parallel]
  --quick        python only, no parallel section (a smoke run of a minute or so)
  --runtimes L   only these cases (default: all four; crystal-fast is FAASO_BUILD_PROFILE=fast)
  --no-parallel  skip the "--all one at a time vs parallel" section`;

const BASELINE_REPO = 'faaso-bench-baseline';
const REPEATS = 3;
const NPX_PAIRS = 7;

function ok(r: TimedRun, what: string): TimedRun {
  if (r.code !== 0)
    throw new UserError(
      `bench: ${what} failed (exit ${r.code}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-25).join('\n')}`,
    );
  return r;
}

// Another job on the machine may restart dockerd (the soak suite does): wait for
// it to answer again and repeat the step once, rather than lose the whole run.
const DAEMON_GONE = /Cannot connect to the Docker daemon|error reading from server: EOF|Unavailable: /;
async function retried(step: () => Promise<TimedRun>, say: (l: string) => void): Promise<TimedRun> {
  const first = await step();
  if (first.code === 0 || !DAEMON_GONE.test(first.stdout + first.stderr)) return first;
  say('the Docker daemon went away; waiting for it, then repeating the step');
  await waitForDocker(120_000);
  return step();
}

async function benchRuntime(
  p: BenchProject,
  c: RuntimeCase,
  buildCa: string | null,
  nonce: string,
  say: (l: string) => void,
): Promise<CaseResult> {
  const name = benchName(c);
  const dir = p.exportDir(c);
  const env = { ...p.env, FAASO_BUILD_PROFILE: c.profile };
  // One tag per kind of build: a tag moved to a newer build would leave the older image nameless (dangling).
  const tag = (kind: 'cold' | 'cached' | 'change'): string => `${BASELINE_REPO}/${c.source}:${kind}`;
  ok(await faasoScript('export', [name, dir], env), `export ${name}`);
  // Interleaved, so both sides see the same machine load at about the same time.
  // The plain build goes first: both share BuildKit's cache, and the layers of the
  // last --no-cache build are the ones later builds reuse. Built last, faaso's
  // layers (already in the registry) are reused, as on a user's machine; built
  // first, the one-line change would reuse the baseline's layers, which the
  // registry has never seen, and faaso's push would re-upload the runtime.
  say(`${c.runtime}: cold builds`);
  const coldDocker = ok(
    await retried(() => plainDockerBuild(dir, tag('cold'), true, buildCa), say),
    `docker build --no-cache of ${dir}`,
  );
  const cold = ok(
    await retried(() => faasoScript('build', [name, '--no-cache'], env), say),
    `faaso cold build of ${name}`,
  );

  say(`${c.runtime}: no-change rebuilds`);
  const noChange: CaseResult['noChange'] = {
    cliMs: [],
    npxMs: [],
    zxVersionMs: [],
    inProcessMs: [],
    dockerMs: [],
    upToDate: true,
  };
  for (let i = 0; i < REPEATS; i++) {
    const cli = ok(await faasoScript('build', [name], env), `faaso no-change build of ${name}`);
    noChange.upToDate &&= /: up to date in/.test(cli.stdout);
    noChange.cliMs.push(cli.ms);
    noChange.dockerMs.push(ok(await plainDockerBuild(dir, tag('cached'), false, buildCa), 'cached docker build').ms);
  }
  // As users type it, and its floor, in pairs back to back: the figure is a difference of ~0.2 s
  // between two ~0.5 s processes, so it takes more runs than the rest.
  for (let i = 0; i < NPX_PAIRS; i++) {
    const npx = ok(await npxZx(['scripts/build.mjs', name], env), `npx zx scripts/build.mjs ${name}`);
    noChange.upToDate &&= /: up to date in/.test(npx.stdout);
    noChange.npxMs.push(npx.ms);
    noChange.zxVersionMs.push(ok(await npxZx(['--version'], env), 'npx zx --version').ms);
  }
  for (let i = 0; i < REPEATS + 2; i++) {
    const r = await noChangeInProcess(p.root, name, c.profile);
    noChange.upToDate &&= r.status === 'up to date';
    noChange.inProcessMs.push(r.ms);
  }

  say(`${c.runtime}: one-line change`);
  await changeFunction(p, c, changeLine(c, 'faaso change', nonce));
  const change = ok(
    await retried(() => faasoScript('build', [name], env), say),
    `faaso rebuild of ${name} after a one-line change`,
  );
  await changeExport(dir, c, changeLine(c, 'docker change', nonce));
  const changeDocker = ok(
    await retried(() => plainDockerBuild(dir, tag('change'), false, buildCa), say),
    'docker build after a one-line change',
  );
  const fDeps = depsVerdict(installSteps(change.stderr));
  const dDeps = depsVerdict(installSteps(changeDocker.stderr));
  return {
    runtime: c.id,
    cold: { faasoMs: cold.ms, dockerMs: coldDocker.ms, phases: phasesFromLines(cold.lines, name, cold.ms) },
    noChange,
    change: {
      faasoMs: change.ms,
      dockerMs: changeDocker.ms,
      phases: phasesFromLines(change.lines, name, change.ms),
      faasoDeps: fDeps.reused,
      faasoDepsText: fDeps.text,
      dockerDeps: dDeps.reused,
      dockerDepsText: dDeps.text,
    },
  };
}

/** `build A B C` one at a time (FAASO_BUILD_JOBS=1, what build did before) against the default pool. */
async function benchParallel(
  p: BenchProject,
  cases: readonly RuntimeCase[],
  nonce: string,
  say: (l: string) => void,
): Promise<ParallelResult> {
  const names = cases.map(benchName);
  const jobs = buildJobs(process.env, os.cpus().length);
  const build = async (n: number, args: string[], what: string): Promise<number> =>
    ok(
      await retried(() => faasoScript('build', [...names, ...args], { ...p.env, FAASO_BUILD_JOBS: String(n) }), say),
      what,
    ).ms;
  say(`--all: cold, one at a time then ${jobs} at a time`);
  const coldSerialMs = await build(1, ['--no-cache'], 'serial cold build');
  const coldParallelMs = await build(jobs, ['--no-cache'], 'parallel cold build');
  say('--all: one-line change, one at a time then in parallel');
  for (const c of cases) await changeFunction(p, c, changeLine(c, 'serial change', nonce));
  const changeSerialMs = await build(1, [], 'serial rebuild');
  for (const c of cases) await changeFunction(p, c, changeLine(c, 'parallel change', nonce));
  const changeParallelMs = await build(jobs, [], 'parallel rebuild');
  return { jobs, coldSerialMs, coldParallelMs, changeSerialMs, changeParallelMs };
}

export async function main(args: string[]): Promise<number> {
  const { values } = parseCli(
    args,
    {
      quick: { type: 'boolean' },
      runtimes: { type: 'string' },
      'no-parallel': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 0;
  const quick = values.quick === true;
  const { cases, unknown } = selectRuntimes(values.runtimes as string | undefined, quick);
  if (unknown.length > 0 || cases.length === 0)
    throw new UserError(
      `--runtimes: unknown runtime(s) ${unknown.join(', ') || '(none given)'}`,
      'choose from python, node, crystal',
    );
  const settings = resolveSettings(process.env, (f) => fs.existsSync(f));
  await ensureEngine();
  // Before the builds: the profiles' throughput needs wrk, and a missing one should fail in seconds.
  if (profilePairs(cases).length > 0) await ensureWrk();
  const machine = await machineInfo(REPO_ROOT);
  const say = (l: string): void => void process.stderr.write(`bench: ${l}\n`);
  console.log(describeMachine(machine));

  const nonce = randomBytes(4).toString('hex');
  const project = await benchProject(settings.root, cases, nonce);
  return withCleanup(
    () => cleanupBench(project, settings.registry, BASELINE_REPO),
    async () => {
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await benchRuntime(project, c, settings.buildCa, nonce, say));
      // Printed before the long parallel section, so a failure there loses nothing.
      console.log(
        formatSection(
          'Build times: faaso (build + tests + push) vs plain docker build of the exported context',
          CASE_HEADER,
          results.flatMap(caseRows),
        ),
      );
      let parallel: ParallelResult | null = null;
      const profiles: ProfileResult[] = [];
      const rounds = PROFILE_ROUNDS[quick ? 'quick' : 'full'];
      for (const pair of profilePairs(cases)) {
        const baseline = await crystalBaseline(project, pair.release, settings.registry, say);
        say(`${pair.release.runtime}: throughput of the release and fast builds`);
        profiles.push(await measureProfiles(settings.registry, pair, results, rounds, baseline));
      }
      if (profiles.length > 0)
        console.log(
          formatSection(
            `Build profiles (FAASO_BUILD_PROFILE): one-line change, and GET /ping at each container's address (wrk -c16, ${rounds.rounds} interleaved rounds)`,
            PROFILE_HEADER,
            profiles.flatMap(profileRows),
          ),
        );
      // Every runtime's function built once, in the default profile: what `build --all` does.
      const serialCases = cases.filter((c) => c.profile === 'release');
      if (!quick && !values['no-parallel'] && serialCases.length > 1) {
        parallel = await benchParallel(project, serialCases, nonce, say).catch((err: Error) => {
          console.log(`\nparallel section failed, left out of the summary: ${err.message.split('\n')[0]}`);
          return null;
        });
      }
      if (parallel)
        console.log(
          formatSection(
            `build of every runtime's function: one at a time vs ${parallel.jobs} at a time (FAASO_BUILD_JOBS)`,
            PARALLEL_HEADER,
            parallelRows(parallel),
          ),
        );
      console.log(summaryLine(results, parallel));
      for (const p of profiles) console.log(profileSummary(p));
      const file = await saveResults(REPO_ROOT, 'build', machine, {
        quick,
        nonce,
        cases: results,
        parallel,
        profiles,
        noChangeMedianMs: results.map((r) => median(r.noChange.inProcessMs)),
      });
      console.log(`results: ${file}`);
      return 0;
    },
  );
}
