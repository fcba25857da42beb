// Maps script names to their command modules; loaded lazily so each script only
// pays for what it uses.
import { runMain, type Main } from './entry.ts';

const commands: Record<string, () => Promise<{ main: Main }>> = {
  build: () => import('./build.ts'),
  export: () => import('./export.ts'),
  new: () => import('./new.ts'),
  registry: () => import('./registry.ts'),
  test: () => import('./test.ts'),
};

export async function runCommand(name: string, args: string[]): Promise<number> {
  const load = commands[name];
  if (!load) throw new Error(`unknown command module "${name}"`);
  const { main } = await load();
  return runMain(main, args);
}
