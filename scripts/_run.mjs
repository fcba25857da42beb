// Shared launcher for the zx scripts: loads the TypeScript command from src/cli
// through tsx (so edits to .ts files take effect with no build step) and turns
// its result into the process exit code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export async function runScript(command, scriptUrl) {
  const scriptFile = fileURLToPath(scriptUrl);
  // Works for both `npx zx scripts/x.mjs ARGS` and `node scripts/x.mjs ARGS`.
  const at = process.argv.findIndex((a) => path.resolve(a) === scriptFile);
  const args = process.argv.slice(at + 1);
  // One tsImport for everything, so all modules share one instance (instanceof works).
  const { runCommand } = await tsImport('../src/cli/index.ts', import.meta.url);
  process.exitCode = await runCommand(command, args);
}
