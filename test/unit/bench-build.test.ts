// Pure parts of the build bench: BuildKit output → install steps reused or not,
// faaso's log lines → phases, rows, targets and the summary line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  RUNTIME_CASES,
  benchName,
  changeLine,
  depsVerdict,
  installSteps,
  phasesFromLines,
  reportedMs,
  selectRuntimes,
} from '../../bench/lib/build-plan.ts';
import { profilePairs, profileRows, profileSummary, roundOrder } from '../../bench/lib/build-profile.ts';
import { caseRows, evaluateTargets, parallelRows, summaryLine, type CaseResult } from '../../bench/lib/build-report.ts';

const BUILDKIT = `#6 [build 4/5] COPY function/package*.json ./
#6 CACHED

#8 [build 5/5] RUN --mount=type=secret,id=ca,target=/run/secrets/ca sh -ec '  if [ -f package-lock.json ]; then npm ci --omit=dev; fi'
#8 CACHED

#10 [build 2/5] RUN apt-get update  && apt-get install -y --no-install-recommends nodejs npm
#10 CACHED

#9 [stage-1 2/5] RUN apt-get update  && apt-get install -y --no-install-recommends nodejs  && groupadd --gid 10001 app
#9 0.512 Get:1 http://deb.debian.org/debian trixie InRelease
#9 DONE 9.1s

#12 [stage-1 4/5] COPY app/ /app/
#12 DONE 0.1s
`;

test('installSteps finds apt, npm, pip and shards steps and whether BuildKit reused them', () => {
  const steps = installSteps(BUILDKIT);
  assert.equal(
    steps.map((s) => [s.step, s.cached]),
    [
      ['8', true],
      ['10', true],
      ['9', false],
    ],
  );
  assert.equal(depsVerdict(steps), { reused: false, text: 'no (2/3)' });
  assert.equal(depsVerdict(steps.slice(0, 2)), { reused: true, text: 'yes (2/2)' });
  assert.equal(depsVerdict([]), { reused: null, text: '-' });
  assert.equal(
    installSteps('#3 [build 6/7] RUN shards build function --release\n#3 DONE 40s\n'),
    [],
    'shards build is not an install',
  );
});

test('phasesFromLines splits a build by when its log lines came', () => {
  const lines = [
    { ms: 900, text: 'faaso-bench-sum: building r/faaso-bench-sum:abc (python)' },
    { ms: 12_900, text: 'faaso-bench-sum: running 8 test(s) against the new image' },
    { ms: 14_000, text: '  ✓ sums' },
    { ms: 14_400, text: 'faaso-bench-sum: pushing r/faaso-bench-sum:abc' },
    { ms: 15_400, text: '✓ faaso-bench-sum: built in 14.6s — r/faaso-bench-sum:abc (1 MB)' },
  ];
  assert.equal(phasesFromLines(lines, 'faaso-bench-sum', 15_500), {
    overheadMs: 1000,
    dockerMs: 12_000,
    testsMs: 1500,
    pushMs: 1000,
  });
  // --no-push, no tests: the missing phases are 0.
  assert.equal(phasesFromLines([lines[0]!, lines[4]!], 'faaso-bench-sum', 15_400), {
    overheadMs: 900,
    dockerMs: 14_500,
    testsMs: 0,
    pushMs: 0,
  });
  assert.is(
    phasesFromLines([{ ms: 5, text: '✓ faaso-bench-sum: up to date in 0.1s — x' }], 'faaso-bench-sum', 10),
    null,
  );
  assert.is(reportedMs('✓ faaso-bench-sum: up to date in 0.1s — x', 'faaso-bench-sum'), 100);
  assert.is(reportedMs('nothing', 'faaso-bench-sum'), null);
});

test('profile pairs: fast against release of the same runtime; rows and targets', () => {
  const cases = selectRuntimes('python,crystal,crystal-fast', false).cases;
  const pairs = profilePairs(cases);
  assert.equal(
    pairs.map((p) => [p.release.id, p.fast.id]),
    [['crystal', 'crystal-fast']],
  );
  assert.equal(profilePairs(selectRuntimes('crystal-fast', false).cases), []);
  const r = {
    runtime: 'crystal',
    releaseChangeMs: 42_000,
    fastChangeMs: 5_500,
    release: { rps: [9000, 9300, 9100], cpuUs: [100, 98, 102] },
    fast: { rps: [8200, 8400, 8300], cpuUs: [110, 108, 111] },
  };
  // Without today's release, the current release is the reference.
  assert.equal(profileRows(r), [
    ['crystal', 'release', '42.0 s', '9100', '100', 'reference', 'reference'],
    ['crystal', 'fast', '5.5 s', '8300', '110', '0.91× (0.90–0.91)', '0.91×'],
  ]);
  assert.match(profileSummary(r), /fast one-line change 5\.5 s \(target ≤ 10 s: met\)/);
  assert.match(profileSummary(r), /release 42\.0 s \(missed\)/);
  assert.match(
    profileSummary(r),
    /fast keeps 91 % of release throughput \(median of 3 paired rounds, 90 %–91 %; target ≥ 95 %: missed\); its CPU per request is 1\.10× the reference's/,
  );
  // With today's release built beside them, the target is held against it, round by round.
  const withBaseline = {
    ...r,
    baseline: { label: 'Crystal 1.14 --release', rps: [7950, 8500, 7900], cpuUs: [112, 105, 115] },
  };
  const rows = profileRows(withBaseline);
  assert.equal(rows[1], ['crystal', 'fast', '5.5 s', '8300', '110', '1.03× (0.99–1.05)', '1.02×']);
  assert.equal(rows[2], ['crystal', 'Crystal 1.14 --release', '-', '7950', '112', 'reference', 'reference']);
  assert.match(
    profileSummary(withBaseline),
    /fast keeps 103 % of today's release throughput, Crystal 1\.14 --release \(median of 3 paired rounds, 99 %–105 %; target ≥ 95 %: met\).*; fast keeps 91 % of the current release's, which runs at 113 % of today's/,
  );
});

test('roundOrder: every side once per round, the first one shifting each round', () => {
  assert.equal(roundOrder(0, 3), [0, 1, 2]);
  assert.equal(roundOrder(1, 3), [1, 2, 0]);
  assert.equal(roundOrder(5, 3), [2, 0, 1]);
  assert.equal(roundOrder(3, 2), [1, 0]);
  assert.equal(roundOrder(0, 0), []);
});

test('selectRuntimes: all by default, python for --quick, unknown names reported', () => {
  assert.equal(
    selectRuntimes(undefined, false).cases.map((c) => c.id),
    ['python', 'node', 'crystal', 'crystal-fast'],
  );
  assert.equal(
    selectRuntimes(undefined, true).cases.map((c) => c.runtime),
    ['python'],
  );
  assert.equal(
    selectRuntimes('crystal, python', false).cases.map((c) => c.id),
    ['python', 'crystal'],
  );
  // The fast profile's copy has a name of its own: its images never replace the release build's.
  const [crystal, fast] = selectRuntimes('crystal,crystal-fast', false).cases;
  assert.is(benchName(crystal!), 'faaso-bench-hello');
  assert.is(benchName(fast!), 'faaso-bench-hello-fast');
  assert.is(fast!.profile, 'fast');
  assert.equal(selectRuntimes('go,node', false).unknown, ['go']);
  assert.is(benchName(RUNTIME_CASES[1]!), 'faaso-bench-multiply');
  // a line of code the function runs, not a comment: a compiler's cache must not find it unchanged
  assert.is(
    changeLine(RUNTIME_CASES[1]!, 'change', 'n1'),
    "globalThis.FAASO_BENCH_CHANGE = 'faaso bench: change n1';\n",
  );
  assert.is(changeLine(RUNTIME_CASES[0]!, 'change', 'n"1'), 'FAASO_BENCH_CHANGE = "faaso bench: change n1"\n');
  assert.is(
    changeLine(crystal!, 'change', 'n1'),
    'def greeting : String; ENV.fetch("GREETING", "Hello").lchop("faaso bench: change n1"); end\n',
  );
});

const result = (runtime: string, over: Partial<CaseResult['change']> = {}, inProcessMs = [40, 50, 60]): CaseResult => ({
  runtime,
  cold: {
    faasoMs: 20_000,
    dockerMs: 10_000,
    phases: { overheadMs: 1000, dockerMs: 15_000, testsMs: 2000, pushMs: 2000 },
  },
  noChange: {
    cliMs: [900, 1000, 1100],
    npxMs: [1300, 1400, 1500],
    zxVersionMs: [1150, 1250, 1300],
    inProcessMs,
    dockerMs: [300, 400, 500],
    upToDate: true,
  },
  change: {
    faasoMs: 4000,
    dockerMs: 2000,
    phases: null,
    faasoDeps: true,
    faasoDepsText: 'yes (3/3)',
    dockerDeps: true,
    dockerDepsText: 'yes (3/3)',
    ...over,
  },
});

test('caseRows: three rows per runtime with ratios and the deps verdicts', () => {
  const rows = caseRows(result('python'));
  assert.equal(
    rows.map((r) => r[1]),
    ['cold (--no-cache)', 'no change', 'one-line change'],
  );
  assert.equal(rows[0]!.slice(2, 5), ['20.00 s', '10.00 s', '2.00×']);
  assert.equal(rows[1]!.slice(2, 5), ['50.0 ms in-process, 1.00 s CLI', '400.0 ms', '2.50×']);
  assert.is(rows[2]![5], 'yes (3/3) / yes (3/3)');
  assert.match(rows[0]![6]!, /overhead 1.00 s · build 15.00 s · tests 2.00 s · push 2.00 s/);
  assert.equal(
    parallelRows({
      jobs: 3,
      coldSerialMs: 100_000,
      coldParallelMs: 60_000,
      changeSerialMs: 10_000,
      changeParallelMs: 8000,
    })[0],
    ['cold (--no-cache)', '100.00 s', '60.00 s', '0.60×'],
  );
});

test('targets: no-change in-process under 0.5 s, and no runtime reinstalling on a code change', () => {
  assert.equal(evaluateTargets([result('python'), result('node')]), {
    noChangeMet: true,
    depsMet: true,
    reinstalled: [],
  });
  const slow = evaluateTargets([result('python', {}, [700, 800, 900])]);
  assert.is(slow.noChangeMet, false);
  const re = evaluateTargets([result('python'), result('node', { faasoDeps: false })]);
  assert.equal([re.depsMet, re.reinstalled], [false, ['node']]);
});

test('summaryLine gives ratios against docker build and says whether each target is met', () => {
  const line = summaryLine([result('python'), result('node', { faasoDeps: false })], {
    jobs: 3,
    coldSerialMs: 100,
    coldParallelMs: 50,
    changeSerialMs: 10,
    changeParallelMs: 10,
  });
  assert.match(line, /^summary: cold build 2.00× plain docker build \(python 2.00×, node 2.00×/);
  assert.match(line, /one-line change 2.00×/);
  assert.match(line, /target < 500.0 ms in-process: met/);
  assert.match(
    line,
    /no change from the CLI as users type it 1.40 s, \+150.0 ms over npx zx --version \(target ≤ \+200.0 ms: met\)/,
  );
  assert.match(line, /reinstalls dependencies: in node \(target never: missed\)/);
  assert.match(line, /--all with 3 jobs: cold 0.50×, one-line change 1.00× of one at a time$/);
});

test.run();
