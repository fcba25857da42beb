// Containers for one measurement on a private network, removed afterwards (also
// on error or Ctrl-C, through withCleanup): the footprint bench's only Docker
// state. Argv building is pure (containerArgv).
import { run } from '../../src/exec/runner.ts';
import { withCleanup } from '../../src/exec/cleanup.ts';
import { dockerLogs, dockerRm } from '../../src/docker/argv.ts';
import { networkCreateArgv, networkRmArgv } from './argv.ts';

export interface BenchContainer {
  name: string;
  image: string;
  flags: string[];
  /** DNS name on the network (the proxy reaches functions by name, as in the stack). */
  alias?: string;
  /** Host port on 127.0.0.1, published to the container's 3000 (8080 for the proxy). */
  port?: number;
  /** Path that answers 200 once the container serves. */
  probe?: string;
  command?: string[];
}

export function containerArgv(c: BenchContainer, network: string): string[] {
  const inner = c.probe === '/ping' ? 3000 : 8080;
  return [
    'docker',
    'run',
    '-d',
    '--name',
    c.name,
    '--network',
    network,
    ...(c.alias ? ['--network-alias', c.alias] : []),
    ...(c.port ? ['-p', `127.0.0.1:${c.port}:${inner}`] : []),
    '--label',
    'faaso.bench=footprint',
    ...c.flags,
    c.image,
    ...(c.command ?? []),
  ];
}

async function waitServing(c: BenchContainer, timeoutMs = 60_000): Promise<void> {
  if (!c.port || !c.probe) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${c.port}${c.probe}`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const logs = await run(dockerLogs(c.name, 20));
  throw new Error(`${c.name} did not answer ${c.probe} within ${timeoutMs / 1000}s:\n${logs.stdout}${logs.stderr}`);
}

/** Starts every container (in order), waits until each serves, runs `body`, then removes them and the network. */
export async function startContainers<T>(
  list: readonly BenchContainer[],
  network: string,
  body: () => Promise<T>,
): Promise<T> {
  const cleanup = async () => {
    await run(dockerRm(...list.map((c) => c.name)));
    await run(networkRmArgv([network]));
  };
  return withCleanup(cleanup, async () => {
    await cleanup(); // leftovers of an earlier run killed with -9
    const net = await run(networkCreateArgv(network, 'faaso.bench=footprint'));
    if (net.exitCode !== 0) throw new Error(`docker network create ${network} failed: ${net.stderr.trim()}`);
    for (const c of list) {
      const r = await run(containerArgv(c, network));
      if (r.exitCode !== 0) throw new Error(`starting ${c.name} failed: ${r.stderr.trim()}`);
    }
    for (const c of list) await waitServing(c);
    return body();
  });
}
