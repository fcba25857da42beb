// Maps script names to their command modules; loaded lazily so each script only
// pays for what it uses.
import { runMain, type Main } from './entry.ts';

const commands: Record<string, () => Promise<{ main: Main }>> = {
  build: () => import('./build.ts'),
  compose: () => import('./compose.ts'),
  demo: () => import('./demo.ts'),
  down: () => import('./down.ts'),
  export: () => import('./export.ts'),
  logs: () => import('./logs.ts'),
  new: () => import('./new.ts'),
  registry: () => import('./registry.ts'),
  setup: () => import('./setup.ts'),
  status: () => import('./status.ts'),
  test: () => import('./test.ts'),
  up: () => import('./up.ts'),
  watch: () => import('./watch.ts'),
};

export async function runCommand(name: string, args: string[]): Promise<number> {
  const load = commands[name];
  if (!load) throw new Error(`unknown command module "${name}"`);
  const { main } = await load();
  return runMain(main, args);
}
