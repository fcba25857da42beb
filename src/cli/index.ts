// Maps script names to their command modules; loaded lazily so each script only
// pays for what it uses.
import { runLazy, type LazyMains } from './entry.ts';

const commands: LazyMains = {
  build: () => import('./build.ts'),
  compose: () => import('./compose.ts'),
  console: () => import('./console.ts'),
  demo: () => import('./demo.ts'),
  down: () => import('./down.ts'),
  export: () => import('./export.ts'),
  invoke: () => import('./invoke.ts'),
  logs: () => import('./logs.ts'),
  new: () => import('./new.ts'),
  registry: () => import('./registry.ts'),
  scale: () => import('./scale.ts'),
  secret: () => import('./secret.ts'),
  setup: () => import('./setup.ts'),
  status: () => import('./status.ts'),
  swarm: () => import('./swarm.ts'),
  test: () => import('./test.ts'),
  tls: () => import('./tls.ts'),
  up: () => import('./up.ts'),
  watch: () => import('./watch.ts'),
};

export async function runCommand(name: string, args: string[]): Promise<number> {
  return runLazy(commands, 'command', name, args);
}
