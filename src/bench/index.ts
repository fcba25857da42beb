// Maps bench script names to their modules (loaded lazily); each exports
// `main(args)` and runs under the same error handling as the commands.
import { runMain, type Main } from '../cli/entry.ts';

const benches: Record<string, () => Promise<{ main: Main }>> = {
  build: () => import('./build.ts'),
  deploy: () => import('./deploy.ts'),
  footprint: () => import('./footprint.ts'),
  proxy: () => import('./proxy.ts'),
};

export async function runBench(name: string, args: string[]): Promise<number> {
  const load = benches[name];
  if (!load) throw new Error(`unknown bench module "${name}"`);
  const { main } = await load();
  return runMain(main, args);
}
