// Shared launcher for the zx scripts: loads the command from src/cli (bundled
// when fresh, else through tsx: scripts/_load.mjs) and turns its result into the
// process exit code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEntry } from './_load.mjs';
import { requireSupportedNode } from './_node.mjs';

/** Arguments after the script's own path: works for `npx zx scripts/x.mjs ARGS` and `node scripts/x.mjs ARGS`. */
export function scriptArgs(scriptUrl) {
  const scriptFile = fileURLToPath(scriptUrl);
  const at = process.argv.findIndex((a) => path.resolve(a) === scriptFile);
  const args = process.argv.slice(at + 1);
  // Stack traces are only printed with --verbose; then make them name src/ files.
  if (args.includes('--verbose') || process.env.FAASO_VERBOSE === '1') process.setSourceMapsEnabled(true);
  return args;
}

export async function runScript(command, scriptUrl) {
  requireSupportedNode();
  const args = scriptArgs(scriptUrl);
  const { runCommand } = await loadEntry('cli');
  process.exitCode = await runCommand(command, args);
}
