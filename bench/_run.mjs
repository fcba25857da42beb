// Shared launcher for the bench scripts: loads the bench from src/bench the same
// way scripts/_run.mjs loads commands.
import { loadEntry } from '../scripts/_load.mjs';
import { requireSupportedNode } from '../scripts/_node.mjs';
import { scriptArgs } from '../scripts/_run.mjs';

export async function runBenchScript(name, scriptUrl) {
  requireSupportedNode();
  const args = scriptArgs(scriptUrl);
  const { runBench } = await loadEntry('bench');
  process.exitCode = await runBench(name, args);
}
