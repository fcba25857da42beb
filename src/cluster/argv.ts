// Pure argv builders for setting up a Swarm with what faaso needs: the Swarm
// itself, and a registry every node pulls from, run as a Swarm service.
export const REGISTRY_SERVICE = 'faaso-registry';
export const REGISTRY_VOLUME = 'faaso-registry-data';
/** The label naming the address the registry answers at (read back by `status`). */
export const REGISTRY_LABEL = 'faaso.registry';

export const registryConfig = (): string[] => ['docker', 'info', '--format', '{{json .RegistryConfig}}'];

export function swarmInit(advertiseAddr?: string): string[] {
  return ['docker', 'swarm', 'init', ...(advertiseAddr ? ['--advertise-addr', advertiseAddr] : [])];
}

export const swarmJoin = (token: string, manager: string): string[] => [
  'docker',
  'swarm',
  'join',
  '--token',
  token,
  manager,
];

export const workerToken = (): string[] => ['docker', 'swarm', 'join-token', '--quiet', 'worker'];

export const inspectService = (name: string): string[] => ['docker', 'service', 'inspect', name];

/**
 * faaso's registry image as a Swarm service on this (manager) node: its data in
 * a volume there, its port published on the node itself (no routing mesh),
 * hardened as every faaso container, restarted whenever it stops.
 */
export function registryServiceCreate(a: { image: string; nodeId: string; port: number; address: string }): string[] {
  return [
    'docker',
    'service',
    'create',
    '--name',
    REGISTRY_SERVICE,
    '--detach',
    '--no-resolve-image',
    '--constraint',
    `node.id==${a.nodeId}`,
    '--publish',
    `mode=host,published=${a.port},target=5000`,
    '--mount',
    `type=volume,source=${REGISTRY_VOLUME},target=/var/lib/registry`,
    '--mount',
    'type=tmpfs,target=/tmp',
    '--read-only',
    '--cap-drop',
    'ALL',
    '--init',
    '--endpoint-mode',
    'dnsrr',
    '--restart-condition',
    'any',
    '--restart-delay',
    '1s',
    '--label',
    `${REGISTRY_LABEL}=${a.address}`,
    '--label',
    'faaso.infra=registry',
    a.image,
  ];
}
