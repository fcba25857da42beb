// Test runner: uvu suites under test/<suite>/**/*.test.ts, loaded through tsx.
// Usage: node --import tsx test/run.mjs unit [integration] [--filter REGEX]
// Prints uvu's report per file and a closing "N passed, N failed" line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requireSupportedNode } from '../scripts/_node.mjs';

requireSupportedNode();

const root = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const fi = args.indexOf('--filter');
const filter = fi >= 0 ? new RegExp(args[fi + 1]) : null;
const suites = args.filter((a, i) => !a.startsWith('--') && (fi < 0 || i !== fi + 1));

function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? collect(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

const files = suites.flatMap((s) => collect(path.join(root, s))).filter((f) => !filter || filter.test(f));
if (files.length === 0) {
  console.error(`no test files for: ${suites.join(' ')}`);
  process.exit(1);
}

// Runs that touch Docker are checked for leftovers: tests remove what they make.
const touchesDocker = suites.some((s) => s !== 'unit');
const state = touchesDocker ? await import('./docker-state.ts') : null;
const before = state ? await state.snapshot() : null;

// Queue every file's suites (uvu's deferred mode), then run them in order.
globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
files.forEach((file, i) => {
  globalThis.UVU_INDEX = i;
  globalThis.UVU_QUEUE.push([path.relative(root, file)]);
});
for (const [i, file] of files.entries()) {
  globalThis.UVU_INDEX = i;
  await import(pathToFileURL(file).href);
}

// A ref'd interval for the whole run. Without it, a test awaiting only unref'd
// timers (AbortSignal.timeout, say) lets Node exit mid-run with code 13 and no word
// of which file; with it, a file that hangs would hold the run until CI's own limit,
// so it also names a file still running after FAASO_TEST_FILE_LIMIT_S (default
// 1200; the slowest file takes ~3 min) and stops the run.
const fileLimitMs = Number(process.env.FAASO_TEST_FILE_LIMIT_S || 1200) * 1000;
let running = null;
const watchdog = setInterval(
  () => {
    if (!running || Date.now() - running.since < fileLimitMs) return;
    process.stdout.write(`\n${running.name}: still running after ${fileLimitMs / 1000} s: stopping the run\n`);
    process.exit(1);
  },
  Math.min(10_000, fileLimitMs),
);

let passed = 0,
  failed = 0,
  skipped = 0;
const started = Date.now();
/** [file, ms] per test file: the slowest are named at the end, to know where the time goes. */
const took = [];
for (const group of globalThis.UVU_QUEUE) {
  const name = group.shift();
  const fileStarted = Date.now();
  running = { name, since: fileStarted };
  process.stdout.write(`\n${name}\n`);
  for (const runSuite of group) {
    const [errs, ran, skips, max] = await runSuite();
    passed += ran;
    skipped += skips;
    failed += max - ran;
    if (errs.length) process.stdout.write(`\n${errs}\n`);
  }
  took.push([name, Date.now() - fileStarted]);
}
clearInterval(watchdog);
process.stdout.write(`\n  Duration: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
const slowest = took
  .filter(([, ms]) => ms >= 1000)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 10);
if (slowest.length > 0)
  process.stdout.write(`  slowest: ${slowest.map(([n, ms]) => `${n} ${(ms / 1000).toFixed(0)} s`).join(', ')}\n`);
let leftover = '';
if (state && before) {
  const after = await state.snapshot();
  if (after) leftover = state.describeLeftovers(state.leftovers(before, after));
  process.stdout.write(
    leftover
      ? `\nleft behind by this run (tests must remove what they make):\n${leftover}\n`
      : '  Docker and registry: nothing left behind\n',
  );
}
process.stdout.write(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${leftover ? ', leftovers' : ''}\n`,
);
process.exitCode = failed > 0 || leftover ? 1 : 0;
