// Plans and observed containers for the stack's unit tests (diff, steps, rows).
import type { ContainerObservation } from '../../src/stack/inspect.ts';
import { portsListenerFingerprint, proxyFingerprint, serviceFingerprint } from '../../src/stack/render/fingerprint.ts';
import type { ServicePlan, StackPlan } from '../../src/stack/types.ts';

export const svc = (name: string, over: Partial<ServicePlan> = {}): ServicePlan => ({
  name,
  image: `127.0.0.1:5000/${name}:aaaaaaaaaaaa`,
  hash: 'aaaaaaaaaaaa',
  port: 8100 + name.length,
  env: {},
  limits: { memory: '256m', cpus: 1, pids: 256 },
  healthcheck: ['/app/function', '--healthcheck'],
  paths: [`/${name}`],
  replicas: 1,
  parallelism: 1,
  ...over,
});

export const plan = (services: ServicePlan[]): StackPlan => ({
  target: 'compose',
  project: 'faaso',
  bind: '127.0.0.1',
  proxy: { port: 8080, image: 'faaso/caddy:1' },
  services,
  routes: services.map((s) => ({ path: `/${s.name}`, function: s.name })),
});

/** Replica `n` of a function, running the config of `s` (or `config`). */
export const replica = (s: ServicePlan, n: number, over: Partial<ContainerObservation> = {}): ContainerObservation => ({
  id: `${s.name}${n}`.padEnd(12, '0'),
  name: `faaso-${s.name}-${n}`,
  service: s.name,
  number: n,
  role: 'function',
  fn: s.name,
  hash: s.hash,
  config: serviceFingerprint(s),
  image: s.image,
  status: 'running',
  health: 'healthy',
  restarts: 0,
  startedAt: Date.parse('2026-11-25T20:00:00Z'),
  createdAt: 0,
  failingStreak: 0,
  exitCode: 0,
  oomKilled: false,
  published: [],
  ip: `172.18.0.${10 + n}`,
  pingUrl: `http://172.18.0.${10 + n}:3000/ping`,
  pingFailed: false,
  ...over,
});

const infra = (p: StackPlan, role: 'proxy' | 'ports', config: string, published: string[]): ContainerObservation => ({
  ...replica(svc(role), 1),
  role,
  service: role,
  fn: '',
  image: p.proxy.image,
  config,
  published,
  pingUrl: null,
});

/** The running proxy and ports listener that match `p`. */
export const proxies = (p: StackPlan): ContainerObservation[] => [
  infra(p, 'proxy', proxyFingerprint(p), [`${p.bind}:${p.proxy.port}`]),
  infra(
    p,
    'ports',
    portsListenerFingerprint(p),
    p.services.map((s) => `${p.bind}:${s.port}`),
  ),
];
