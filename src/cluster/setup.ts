// The shell of `scripts/swarm.mjs`: set up a Swarm on the user's machines with
// the registry faaso needs, each step checked, each run idempotent. Every
// command goes to the Docker engine of DOCKER_HOST (this machine by default).
import { UserError } from '../errors.ts';
import { run } from '../exec/runner.ts';
import { dockerPull, dockerPush, dockerTag } from '../docker/argv.ts';
import { runOrFail } from '../docker/engine.ts';
import { ensureBaseImage } from '../base/ensure.ts';
import { ensureInfraImage } from '../images/infra.ts';
import { pingRegistry } from '../registry/api.ts';
import { BASE_IMAGE } from '../settings.ts';
import { readSwarmInfo, observeNodes } from '../stack/swarm/observe.ts';
import { parseTasks } from '../stack/swarm/inspect.ts';
import { serviceTasks } from '../stack/swarm/argv.ts';
import type { SwarmInfo } from '../stack/swarm/inspect.ts';
import { failureLine } from '../util/text.ts';
import {
  inspectService,
  REGISTRY_LABEL,
  REGISTRY_SERVICE,
  registryConfig,
  registryServiceCreate,
  swarmInit,
  swarmJoin,
  workerToken,
} from './argv.ts';
import { insecureRegistryHint, joinInstructions, probeRef, trustsRegistry } from './rules.ts';

type Log = (line: string) => void;

const REGISTRY_WAIT_MS = 60_000;

async function requireTrust(registry: string): Promise<void> {
  const config = await runOrFail(registryConfig(), 'reading the engine’s registry settings');
  if (!trustsRegistry(config, registry))
    throw new UserError(
      `this Docker engine does not trust the registry ${registry} (it speaks plain HTTP, and Docker only does that with registries listed as insecure)`,
      insecureRegistryHint(registry),
    );
}

/** The address the registry service answers at, if faaso's registry service exists. */
async function registryService(): Promise<string | undefined> {
  const r = await run(inspectService(REGISTRY_SERVICE));
  if (r.exitCode !== 0) return undefined;
  const [spec] = JSON.parse(r.stdout) as { Spec?: { Labels?: Record<string, string> } }[];
  return spec?.Spec?.Labels?.[REGISTRY_LABEL] ?? '';
}

/** Why the registry's task does not run, from Swarm's own words. */
async function registryTaskErrors(): Promise<string> {
  const r = await run(serviceTasks(REGISTRY_SERVICE));
  const errors = parseTasks(r.stdout)
    .filter((t) => t.error)
    .map((t) => `${t.node}: ${t.error}`);
  return [...new Set(errors)].slice(0, 3).join('; ');
}

async function waitForRegistry(registry: string): Promise<void> {
  const deadline = Date.now() + REGISTRY_WAIT_MS;
  while (Date.now() < deadline) {
    if (await pingRegistry(registry, 1000)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  const errors = await registryTaskErrors();
  throw new UserError(
    `the registry service does not answer at http://${registry}/v2/ after ${REGISTRY_WAIT_MS / 1000} s${errors ? `: ${errors}` : ''}`,
    `is port ${registry.split(':').pop()} free on this machine and open to the other nodes? (docker service ps ${REGISTRY_SERVICE})`,
  );
}

export interface InitOptions {
  advertiseAddr?: string;
  registryPort: number;
}

/** A manager: the Swarm, the registry service on this node, the base image in it; prints how others join. */
export async function initSwarm(root: string, opts: InitOptions, log: Log): Promise<void> {
  let info = await readSwarmInfo();
  if (info.state === 'active' && !info.manager)
    throw new UserError(
      'this Docker engine is already a worker of a Swarm: init runs on a manager',
      'run it on a manager (docker node ls there), or leave the Swarm first: docker swarm leave',
    );
  if (info.state !== 'active') {
    await runOrFail(
      swarmInit(opts.advertiseAddr),
      'docker swarm init',
      'with several network interfaces, say which address the other nodes reach: --advertise-addr ADDR',
    );
    info = await readSwarmInfo();
    log(`swarm: initialised; this node (${info.nodeAddr}) is its manager`);
  } else {
    log(`swarm: this node (${info.nodeAddr}) is already a manager`);
  }
  const registry = (await registryService()) || `${info.nodeAddr}:${opts.registryPort}`;
  await requireTrust(registry);
  if ((await registryService()) === undefined) {
    const image = await ensureInfraImage(root, 'registry', log);
    await runOrFail(
      registryServiceCreate({ image, nodeId: info.nodeId, port: opts.registryPort, address: registry }),
      'creating the registry service',
    );
    log(`registry: service ${REGISTRY_SERVICE} created on this node, port ${opts.registryPort}`);
  }
  await waitForRegistry(registry);
  await pushProbe(registry, log);
  const token = (await runOrFail(workerToken(), 'reading the join token')).trim();
  log(`registry: http://${registry} answers`);
  log(joinInstructions({ manager: `${info.nodeAddr}:2377`, token, registry }));
}

/** The base image, in the registry: what `join` pulls to prove a node reaches it (and the base layer of every function). */
async function pushProbe(registry: string, log: Log): Promise<void> {
  await ensureBaseImage({ log });
  const ref = probeRef(registry);
  await runOrFail(dockerTag(BASE_IMAGE, ref), `docker tag ${BASE_IMAGE} ${ref}`);
  await runOrFail(dockerPush(ref), `docker push ${ref}`, insecureRegistryHint(registry));
}

export interface JoinOptions {
  manager: string;
  token: string;
  registry: string;
}

function sameSwarm(info: SwarmInfo, manager: string): boolean {
  return info.managers.includes(manager) || info.nodeAddr === manager.replace(/:\d+$/, '');
}

/** This engine as a worker: it must trust and reach the registry first (a node that cannot pull would only fail its tasks). */
export async function joinSwarm(opts: JoinOptions, log: Log): Promise<void> {
  await requireTrust(opts.registry);
  const probe = probeRef(opts.registry);
  const pulled = await run(dockerPull(probe), { timeoutMs: 300_000 });
  if (pulled.exitCode !== 0)
    throw new UserError(
      `this node cannot pull from the registry ${opts.registry}: ${failureLine(pulled)}`,
      `check that TCP ${opts.registry} is reachable from this machine (firewall, address) and that init ran on the manager`,
    );
  log(`registry: this node pulls from ${opts.registry}`);
  const info = await readSwarmInfo();
  if (info.state === 'active') {
    if (sameSwarm(info, opts.manager)) {
      log(`swarm: already a node of this Swarm (${info.manager ? 'manager' : 'worker'})`);
      return;
    }
    throw new UserError(
      `this Docker engine is already in another Swarm (managers: ${info.managers.join(', ') || 'unknown'})`,
      'leave it first: docker swarm leave (on a manager: --force, which removes its Swarm)',
    );
  }
  await runOrFail(
    swarmJoin(opts.token, opts.manager),
    'docker swarm join',
    `check that ${opts.manager} (TCP 2377, 7946 and UDP 7946, 4789) is reachable`,
  );
  log(`swarm: joined ${opts.manager} as a worker`);
}

/** What a user checks first: this node, the nodes, the registry. */
export async function swarmReport(log: Log): Promise<boolean> {
  const info = await readSwarmInfo();
  if (info.state !== 'active') {
    log(`swarm: this Docker engine is not in a Swarm (${info.state}); set one up: npx zx scripts/swarm.mjs init`);
    return false;
  }
  log(`swarm: this node ${info.nodeAddr} is a ${info.manager ? 'manager' : 'worker'}`);
  if (!info.manager) return true;
  for (const n of await observeNodes())
    log(
      `  ${n.hostname}: ${n.status}, ${n.availability}${n.manager ? `, ${n.manager.toLowerCase()}` : ''}${n.self ? ' (this node)' : ''}`,
    );
  const registry = await registryService();
  if (registry === undefined) {
    log(`registry: no ${REGISTRY_SERVICE} service (npx zx scripts/swarm.mjs init creates it)`);
    return false;
  }
  const up = await pingRegistry(registry, 2000);
  const errors = up ? '' : await registryTaskErrors();
  log(`registry: ${registry} ${up ? 'answers' : `does not answer${errors ? ` (${errors})` : ''}`}`);
  return up;
}
