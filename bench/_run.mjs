// Shared launcher for the bench scripts: loads the bench from bench/lib the same
// way scripts/_run.mjs loads commands. A stale bundle (src/ or bench/lib edited
// since `npm ci`) is rebuilt first: otherwise the commands the benches time
// would run through tsx, ~0.3-0.5 s slower than what users get.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleIsFresh, loadEntry } from '../scripts/_load.mjs';
import { requireSupportedNode } from '../scripts/_node.mjs';
import { scriptArgs } from '../scripts/_run.mjs';

function freshBundle() {
  if (process.env.FAASO_NO_BUNDLE === '1' || bundleIsFresh()) return;
  process.stderr.write('bench: src/ or bench/lib changed since the last bundle: bundling first (npm run bundle)\n');
  const bundler = fileURLToPath(new URL('../scripts/_bundle.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bundler], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bench: npm run bundle failed (exit ${r.status})`);
}

export async function runBenchScript(name, scriptUrl) {
  requireSupportedNode();
  const args = scriptArgs(scriptUrl);
  freshBundle();
  const { runBench } = await loadEntry('bench');
  process.exitCode = await runBench(name, args);
}
