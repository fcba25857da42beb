// Maps bench script names to their modules (loaded lazily); each exports
// `main(args)` and runs under the same error handling as the commands.
import { runLazy, type LazyMains } from '../../src/cli/entry.ts';

const benches: LazyMains = {
  build: () => import('./build.ts'),
  deploy: () => import('./deploy.ts'),
  footprint: () => import('./footprint.ts'),
  proxy: () => import('./proxy.ts'),
};

export async function runBench(name: string, args: string[]): Promise<number> {
  return runLazy(benches, 'bench', name, args);
}
