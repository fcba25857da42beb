// Pure argv builders for a stack on Docker Swarm (`docker stack`, `docker service`).
import path from 'node:path';
import type { ComposeTarget } from '../argv.ts';
import { STACK_YML } from '../render/swarm.ts';

/** Services, tasks and configs of a stack carry this label (set by `docker stack deploy`). */
export const STACK_LABEL = 'com.docker.stack.namespace';

/** This engine's place in a Swarm: state, manager or not, node id and address. */
export const swarmInfo = (): string[] => ['docker', 'info', '--format', '{{json .Swarm}}'];

/**
 * Deploys compose/stack.yml. Images are pinned by digest, so the CLI must not
 * ask a registry to resolve them again; services that left the file go (--prune).
 * It returns once the specs are submitted: faaso waits for the rollout itself.
 */
export function stackDeploy(t: ComposeTarget): string[] {
  return [
    'docker',
    'stack',
    'deploy',
    '--compose-file',
    path.join(t.dir, STACK_YML),
    '--prune',
    '--resolve-image',
    'never',
    t.project,
  ];
}

export const stackRm = (project: string): string[] => ['docker', 'stack', 'rm', project];

export const listServices = (project: string): string[] => [
  'docker',
  'service',
  'ls',
  '--quiet',
  '--filter',
  `label=${STACK_LABEL}=${project}`,
];

/** Running counts as Swarm reports them ("2/3"), one JSON object per service. */
export const serviceCounts = (project: string): string[] => [
  'docker',
  'service',
  'ls',
  '--filter',
  `label=${STACK_LABEL}=${project}`,
  '--format',
  '{{json .}}',
];

export const inspectServices = (ids: readonly string[]): string[] => ['docker', 'service', 'inspect', ...ids];

/** The stack's tasks Swarm remembers (the live ones and a few replaced per slot), with node, state and error. */
export const stackTasks = (project: string): string[] => [
  'docker',
  'stack',
  'ps',
  project,
  '--no-trunc',
  '--format',
  '{{json .}}',
];

/** A service's recent tasks, failed ones included: why a rollout did not converge. */
export const serviceTasks = (service: string): string[] => [
  'docker',
  'service',
  'ps',
  service,
  '--no-trunc',
  '--format',
  '{{json .}}',
];

export const serviceLogs = (service: string, follow: boolean, tail = 200): string[] => [
  'docker',
  'service',
  'logs',
  '--no-task-ids',
  '--tail',
  String(tail),
  ...(follow ? ['--follow'] : []),
  service,
];

export const listConfigs = (project: string): string[] => [
  'docker',
  'config',
  'ls',
  '--filter',
  `label=${STACK_LABEL}=${project}`,
  '--format',
  '{{.Name}}',
];

export const removeConfigs = (names: readonly string[]): string[] => ['docker', 'config', 'rm', ...names];

export const listNodes = (): string[] => ['docker', 'node', 'ls', '--format', '{{json .}}'];

export const stackNetworks = (project: string): string[] => [
  'docker',
  'network',
  'ls',
  '--quiet',
  '--filter',
  `label=${STACK_LABEL}=${project}`,
];

/** Each node's address (where its published ports answer), one line per node id given. */
export const nodeAddresses = (ids: readonly string[]): string[] => [
  'docker',
  'node',
  'inspect',
  '--format',
  '{{.ID}} {{.Status.Addr}}',
  ...ids,
];
