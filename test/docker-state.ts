// What a test run leaves on the Docker engine and in faaso's registry. The test
// runner snapshots both before and after a run that touches Docker; anything new
// that is not one of faaso's own product objects is a leftover, reported by name,
// and fails the run, so a second `npm test` starts from the same state.
import { run } from '../src/exec/runner.ts';
import { listRepositories, listTags, pingRegistry } from '../src/registry/api.ts';
import { DEFAULT_REGISTRY } from '../src/settings.ts';

export interface DockerState {
  images: string[];
  containers: string[];
  volumes: string[];
  networks: string[];
  /** repo:tag in faaso's registry. */
  registry: string[];
}

/**
 * What faaso itself makes and keeps (the quick start makes the same): the base
 * image, its infra images, the example functions (a build of their sources),
 * the registry's container and volume, and the example stack.
 */
const PRODUCT: Record<keyof DockerState, RegExp> = {
  images: /^(?:debian:trixie-slim|faaso\/[a-z0-9-]+:[0-9a-f]{12}|127\.0\.0\.1:5000\/(?:sum|multiply|hello):[0-9a-z]+)$/,
  containers: /^(?:faaso-registry|faaso-(?:sum|multiply|hello)-\d+|faaso-(?:proxy|ports)-\d+)$/,
  volumes: /^faaso-registry-data$/,
  networks: /^faaso_faaso$/,
  registry: /^(?:sum|multiply|hello):[0-9a-z]+$/,
};

async function lines(argv: string[]): Promise<string[]> {
  const r = await run(argv, { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

async function registryTags(address: string): Promise<string[]> {
  if (!(await pingRegistry(address))) return [];
  const out: string[] = [];
  for (const repo of await listRepositories(address))
    for (const tag of await listTags(address, repo)) out.push(`${repo}:${tag}`);
  return out;
}

/** null when no engine answers (a unit-only run, or Docker down: nothing to compare). */
export async function snapshot(registry = DEFAULT_REGISTRY): Promise<DockerState | null> {
  if ((await run(['docker', 'info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 })).exitCode !== 0)
    return null;
  // Dangling images have no name: their id stands in.
  const images = (await lines(['docker', 'images', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).map((l) => {
    const [ref = '', id = ''] = l.split(' ');
    return ref === '<none>:<none>' ? `<none>@${id}` : ref;
  });
  return {
    images: [...new Set(images)].sort(),
    containers: (await lines(['docker', 'ps', '-a', '--format', '{{.Names}}'])).sort(),
    volumes: (await lines(['docker', 'volume', 'ls', '-q'])).sort(),
    networks: (await lines(['docker', 'network', 'ls', '--format', '{{.Name}}'])).sort(),
    registry: (await registryTags(registry)).sort(),
  };
}

/** Objects in `after` that were not in `before` and are not faaso's own products, per kind. Pure. */
export function leftovers(before: DockerState, after: DockerState): Partial<Record<keyof DockerState, string[]>> {
  const out: Partial<Record<keyof DockerState, string[]>> = {};
  for (const kind of Object.keys(PRODUCT) as (keyof DockerState)[]) {
    const had = new Set(before[kind]);
    // Dangling images are leftovers even when their id was dangling before: only new ids count.
    const extra = after[kind].filter((x) => !had.has(x) && !PRODUCT[kind].test(x));
    if (extra.length > 0) out[kind] = extra;
  }
  return out;
}

export function describeLeftovers(l: Partial<Record<keyof DockerState, string[]>>): string {
  return Object.entries(l)
    .map(([kind, xs]) => `  ${kind}: ${xs!.join(', ')}`)
    .join('\n');
}
