// Every node of a Swarm pulls the stack's images from the registry, and every
// node must run the same bytes: each service is pinned to its image's digest
// in that registry. faaso's Caddy image is built locally like any infra image,
// so it is pushed there too (as REGISTRY/faaso-caddy:HASH).
import { UserError } from '../../errors.ts';
import { dockerPush, dockerTag } from '../../docker/argv.ts';
import { runOrFail } from '../../docker/engine.ts';
import { manifestDigest } from '../../registry/api.ts';
import type { StackPlan } from '../types.ts';

type Log = (line: string) => void;

/** REGISTRY/name:tag → [name, tag] as the registry's API names them. */
export function repoAndTag(ref: string, registry: string): [string, string] {
  const rest = ref.startsWith(`${registry}/`) ? ref.slice(registry.length + 1) : ref;
  const colon = rest.lastIndexOf(':');
  return [rest.slice(0, colon), rest.slice(colon + 1)];
}

/** faaso/caddy:HASH → REGISTRY/faaso-caddy:HASH */
export function registryRefOfInfra(ref: string, registry: string): string {
  const [name, tag] = ref.split(':') as [string, string];
  return `${registry}/${name.replace('/', '-')}:${tag}`;
}

/** The digest of `ref` in the registry, pushing it first when the registry lacks it. */
async function digestOf(ref: string, registry: string, log: Log): Promise<string> {
  const [repo, tag] = repoAndTag(ref, registry);
  const known = await manifestDigest(registry, repo, tag);
  if (known) return known;
  log(`pushing ${ref} for the Swarm's nodes…`);
  await runOrFail(dockerPush(ref), `docker push ${ref}`, 'check the registry: npx zx scripts/swarm.mjs status');
  const pushed = await manifestDigest(registry, repo, tag);
  if (!pushed)
    throw new UserError(
      `${ref} was pushed, but the registry ${registry} does not list it`,
      'check the registry: npx zx scripts/swarm.mjs status',
    );
  return pushed;
}

/** The plan with every image as REF@DIGEST, all of them in `registry`. */
export async function pinImages(plan: StackPlan, registry: string, log: Log): Promise<StackPlan> {
  const proxyRef = registryRefOfInfra(plan.proxy.image, registry);
  await runOrFail(dockerTag(plan.proxy.image, proxyRef), `docker tag ${plan.proxy.image} ${proxyRef}`);
  const refs = [...plan.services.map((s) => s.image), proxyRef];
  const digests = await Promise.all(refs.map((ref) => digestOf(ref, registry, log)));
  const pinned = new Map(refs.map((ref, i) => [ref, `${ref}@${digests[i]}`]));
  return {
    ...plan,
    services: plan.services.map((s) => ({ ...s, image: pinned.get(s.image)! })),
    proxy: { ...plan.proxy, image: pinned.get(proxyRef)! },
  };
}
