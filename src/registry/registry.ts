// faaso's local registry: one container of faaso's registry image on a loopback
// address, data in a named volume so pushed images survive restarts and
// re-creation. An external (non-loopback) registry is used but never managed.
import type { Settings } from '../settings.ts';
import { parseRegistry } from '../settings.ts';
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerRm, dockerRun, dockerStart, dockerVolumeExists, dockerVolumeRm } from '../docker/argv.ts';
import { containerState } from '../docker/engine.ts';
import { ensureInfraImage } from '../images/infra.ts';
import { listRepositories, pingRegistry } from './api.ts';

/** Container and volume of the registry on an address: the default port keeps the
 * plain names, others get the port appended so two registries never collide. */
export function registryNames(address: string): { container: string; volume: string } {
  const { port } = parseRegistry(address);
  const suffix = port === 5000 ? '' : `-${port}`;
  return { container: `faaso-registry${suffix}`, volume: `faaso-registry${suffix}-data` };
}

/** `docker run` argv for the managed registry (pure). */
export function registryRunArgv(image: string, address: string): string[] {
  const { host, port } = parseRegistry(address);
  const { container, volume } = registryNames(address);
  const ip = host === 'localhost' ? '127.0.0.1' : host === '[::1]' ? '[::1]' : host;
  return dockerRun({
    image,
    name: container,
    publish: [`${ip}:${port}:5000`],
    volumes: [`${volume}:/var/lib/registry`],
    restart: 'unless-stopped',
    labels: { 'faaso.infra': 'registry' },
    hardened: true,
  });
}

async function waitUntilReachable(address: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingRegistry(address, 1000)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export async function startRegistry(settings: Settings, log: (l: string) => void): Promise<void> {
  if (!settings.registryManaged) {
    throw new UserError(
      `registry ${settings.registry} is external: faaso only runs a registry on a loopback address`,
      "start it yourself, or unset FAASO_REGISTRY to use faaso's own on 127.0.0.1:5000",
    );
  }
  if (await pingRegistry(settings.registry)) return;
  const { container, volume } = registryNames(settings.registry);
  const state = await containerState(container);
  if (state?.status === 'running') {
    // Running but not answering yet (just started): give it a moment below.
  } else if (state) {
    const r = await run(dockerStart(container));
    if (r.exitCode !== 0) throw portError(settings.registry, r.stderr);
  } else {
    const image = await ensureInfraImage(settings.root, 'registry', log);
    const hadVolume = (await run(dockerVolumeExists(volume))).exitCode === 0;
    const r = await run(registryRunArgv(image, settings.registry));
    if (r.exitCode !== 0) {
      // A failed start leaves nothing behind: not the container, nor a volume it created.
      await run(dockerRm(container));
      if (!hadVolume) await run(dockerVolumeRm(volume));
      throw portError(settings.registry, r.stderr);
    }
  }
  if (!(await waitUntilReachable(settings.registry, 20_000))) {
    throw new UserError(
      `registry container started but ${settings.registry} does not answer`,
      `see \`docker logs ${container}\``,
    );
  }
  log(`registry: running on ${settings.registry} (container ${container}, volume ${volume})`);
}

function portError(address: string, stderr: string): UserError {
  const line = stderr.trim().split('\n').pop() ?? '';
  if (/address already in use|port is already allocated/i.test(stderr)) {
    return new UserError(
      `cannot start the registry: ${address} is already in use by another program`,
      'free that port, or choose another address with FAASO_REGISTRY=127.0.0.1:PORT',
    );
  }
  return new UserError(`cannot start the registry: ${line}`);
}

export async function stopRegistry(settings: Settings, log: (l: string) => void): Promise<void> {
  const { container, volume } = registryNames(settings.registry);
  if (!(await containerState(container))) {
    log('registry: not running');
    return;
  }
  // Remove the container, keep the volume: images survive a start after a stop.
  await run(dockerRm(container));
  log(`registry: stopped (images kept in volume ${volume})`);
}

export interface RegistryStatus {
  address: string;
  managed: boolean;
  container: string | null;
  reachable: boolean;
  repositories: string[];
}

export async function registryStatus(settings: Settings): Promise<RegistryStatus> {
  const state = settings.registryManaged ? await containerState(registryNames(settings.registry).container) : null;
  const reachable = await pingRegistry(settings.registry);
  return {
    address: settings.registry,
    managed: settings.registryManaged,
    container: state ? `${state.status}${state.health !== 'none' ? ` (${state.health})` : ''}` : null,
    reachable,
    repositories: reachable ? await listRepositories(settings.registry) : [],
  };
}

/** Makes sure images can be pushed: reachable, or started when it is ours. */
export async function ensureRegistry(settings: Settings, log: (l: string) => void): Promise<void> {
  if (await pingRegistry(settings.registry)) return;
  if (!settings.registryManaged) {
    throw new UserError(
      `registry ${settings.registry} is unreachable (GET http://${settings.registry}/v2/ failed)`,
      'start that registry, fix FAASO_REGISTRY, or build with --no-push',
    );
  }
  await startRegistry(settings, log);
}
