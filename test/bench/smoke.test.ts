// Each bench runs end to end in its --quick form, as `npx zx bench/NAME.mjs --quick`
// does on a machine set up by the README: exit 0, the machine line, a summary line
// with ratios against its baseline, and a JSON results file. This is what keeps the
// benches runnable (they once broke only when run from the dist/ bundle). The
// figures themselves are printed, never asserted: timings depend on the machine.
//
// Runs last in `npm test` (after soak): the slowest suite, and the one whose figures
// matter least when something earlier has already failed.
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO, requireDocker, runScript } from '../integration/helpers.ts';

const test = suite('bench --quick');

test.before(async () => {
  await requireDocker();
});

/** The `results:` file the bench printed, read back. */
function results(output: string, bench: string): { bench: string; machine: { cpus: number }; results: unknown } {
  const line = /^results: (.+)$/m.exec(output);
  assert.ok(line, `bench ${bench} printed no results line`);
  const file = path.resolve(REPO, line![1]!.trim());
  assert.match(path.basename(file), new RegExp(`^${bench}-`));
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const cases: [string, RegExp][] = [
  [
    'build',
    /^summary: cold build [\d.]+× plain docker build .*no change [\d.]+ ms in-process.*no change from the CLI as users type it [\d.]+ m?s, [+-][\d.]+ m?s over npx zx --version \(target ≤ \+200\.0 ms: (met|missed)\)/m,
  ],
  ['proxy', /^summary: proxy adds p50 [+-][\d.]+ ms sum.*keeps \d+ % sum/m],
  [
    'deploy',
    /^summary: up→healthy faaso\/compose 3 fns [\d.]+× \(target ≤ 1\.00×: (met|missed[^)]*)\); reload 10 routes .*redeploy 1 replica: swap [\d.]+ m?s[^;]* vs compose recreate .*rolling update 3 replicas: swap [\d.]+ m?s[^;]* vs compose recreate/m,
  ],
  ['footprint', /^summary: base debian:trixie-slim [\d.]+ MB.*sum \(python\) \+[\d.]+ MB over base/m],
];

for (const [bench, summary] of cases) {
  test(`bench/${bench}.mjs --quick: machine, summary with ratios, results JSON`, async () => {
    // footprint measures the examples as built in this checkout (up to date after the first build).
    if (bench === 'footprint') assert.is((await runScript('build', ['--all', '--no-test'])).code, 0);
    const r = await runScript(bench, ['--quick'], {}, 'bench');
    assert.is(r.code, 0, r.output.slice(-3000));
    assert.match(r.stdout, /^machine: \d+ × .*commit [0-9a-f]{7}/m);
    assert.match(r.stdout, summary);
    const saved = results(r.stdout, bench);
    assert.is(saved.bench, bench);
    assert.ok(saved.machine.cpus > 0);
    process.stdout.write(`    ${/^summary: .*$/m.exec(r.stdout)![0].slice(0, 160)}…\n`);
  });
}

test.run();
