// A real 3-node Docker Swarm on one machine, for the multi-node test: three
// containers of faaso's swarm-node image (a Docker daemon each, from the local
// base image, offline), on their own network with fixed addresses. The host's
// engine only runs the node containers; it never joins a Swarm. Each node's
// API is a socket under a temp folder, so faaso drives a node with
// DOCKER_HOST=unix://…/nodeN/docker.sock, as a user drives a remote engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { run } from '../../src/exec/runner.ts';
import { ensureInfraImage } from '../../src/images/infra.ts';
import { REPO, waitFor } from './helpers.ts';
import { NESTED_DOCKER_FLAGS } from '../fixtures/nested-docker.ts';

export const NETWORK = 'faaso-swarmtest';
const SUBNET = '10.231.117.0/24';
export const NODE_IPS = ['10.231.117.11', '10.231.117.12', '10.231.117.13'] as const;
/** The registry `swarm.mjs init` runs on node1. */
export const REGISTRY = `${NODE_IPS[0]}:5000`;

export interface SwarmNode {
  name: string;
  hostname: string;
  ip: string;
  /** DOCKER_HOST for this node's daemon. */
  dockerHost: string;
}

/**
 * A Docker daemon in a container (fixtures/nested-docker.ts), with /run on a
 * tmpfs for its sockets and state. The nodes' resolver answers within 1 s or is
 * asked again: Swarm copies these options into every task (README: Running on
 * several machines).
 */
const NODE_FLAGS = [
  ...NESTED_DOCKER_FLAGS,
  '--tmpfs',
  '/run',
  '--dns-option',
  'timeout:1',
  '--dns-option',
  'attempts:2',
];

async function docker(...argv: string[]): Promise<string> {
  const r = await run(['docker', ...argv], { timeoutMs: 300_000 });
  if (r.exitCode !== 0) throw new Error(`docker ${argv.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export interface Swarm {
  nodes: SwarmNode[];
  dir: string;
  remove: () => Promise<void>;
}

/** Starts three nodes (daemons ready, no Swarm yet), each trusting the registry on node1. */
export async function startNodes(log: (l: string) => void): Promise<Swarm> {
  const image = await ensureInfraImage(REPO, 'swarm-node', log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faaso-swarmtest-'));
  const nodes: SwarmNode[] = NODE_IPS.map((ip, i) => ({
    name: `${NETWORK}-node${i + 1}`,
    hostname: `node${i + 1}`,
    ip,
    dockerHost: `unix://${path.join(dir, `node${i + 1}`, 'docker.sock')}`,
  }));
  const remove = async (): Promise<void> => {
    await run(['docker', 'rm', '-f', '-v', ...nodes.map((n) => n.name)]);
    await run(['docker', 'network', 'rm', NETWORK]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A run that died before its teardown left them: these names are the test's own.
  await run(['docker', 'rm', '-f', '-v', ...nodes.map((n) => n.name)]);
  await run(['docker', 'network', 'rm', NETWORK]);
  try {
    await docker('network', 'create', '--subnet', SUBNET, '--label', 'faaso.test=swarm', NETWORK);
    for (const n of nodes) {
      const sockDir = path.join(dir, n.hostname);
      fs.mkdirSync(sockDir);
      await docker(
        'run',
        '-d',
        '--name',
        n.name,
        '--hostname',
        n.hostname,
        '--network',
        NETWORK,
        '--ip',
        n.ip,
        ...NODE_FLAGS,
        '-v',
        `${sockDir}:/run/faaso`,
        image,
        '-H',
        'unix:///var/run/docker.sock',
        '-H',
        'unix:///run/faaso/docker.sock',
        '--insecure-registry',
        REGISTRY,
      );
    }
    for (const n of nodes) {
      await waitFor(
        `${n.hostname}'s Docker daemon`,
        async () =>
          (await run(['docker', 'info', '--format', '{{.ServerVersion}}'], { env: { DOCKER_HOST: n.dockerHost } }))
            .exitCode === 0,
        60_000,
      );
    }
    return { nodes, dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** `docker save` on the host piped into `docker load` on a node: images without a registry. */
export function loadImages(node: SwarmNode, refs: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const save = spawn('docker', ['save', ...refs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn('docker', ['load', '--quiet'], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, DOCKER_HOST: node.dockerHost },
    });
    let err = '';
    save.stderr.on('data', (d) => (err += d));
    load.stderr.on('data', (d) => (err += d));
    save.stdout.pipe(load.stdin);
    let saved: number | null = null;
    save.on('close', (code) => (saved = code));
    load.on('close', (code) =>
      code === 0 && saved === 0 ? resolve() : reject(new Error(`docker save | docker load failed: ${err.trim()}`)),
    );
  });
}

/** Runs docker against one node. */
export async function onNode(node: SwarmNode, ...argv: string[]): Promise<string> {
  const r = await run(['docker', ...argv], { env: { DOCKER_HOST: node.dockerHost }, timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${node.hostname}: docker ${argv.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}
