// Pure: what a Docker engine must have to be a node of faaso's Swarm, and the
// words that tell the user how to get there.
import { STACK_FILE } from '../stack/config/rules.ts';

/** The tag every node pulls to prove it reaches the registry: the base layer of every function image anyway. */
export const PROBE_REPO = 'faaso-base';
export const PROBE_TAG = 'trixie-slim';
export const probeRef = (registry: string): string => `${registry}/${PROBE_REPO}:${PROBE_TAG}`;

function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base ?? '');
  const n = Number(bits);
  if (a === null || b === null || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) === (b & mask);
}

/**
 * Whether the engine (`docker info` .RegistryConfig) talks plain HTTP to
 * `registry`: it is listed in insecure-registries, or its IP is in an insecure
 * CIDR (127.0.0.0/8 always is).
 */
export function trustsRegistry(registryConfigJson: string, registry: string): boolean {
  const c = JSON.parse(registryConfigJson) as {
    IndexConfigs?: Record<string, { Secure?: boolean }>;
    InsecureRegistryCIDRs?: string[];
  };
  if (c.IndexConfigs?.[registry]?.Secure === false) return true;
  const host = registry.replace(/:\d+$/, '');
  return (c.InsecureRegistryCIDRs ?? []).some((cidr) => inCidr(host, cidr));
}

export const insecureRegistryHint = (registry: string): string =>
  `on this machine, add it to /etc/docker/daemon.json — {"insecure-registries": ["${registry}"]} — and restart Docker ` +
  `(systemctl restart docker); do the same on every node. The registry speaks plain HTTP: keep it on a private network, or put TLS in front of it`;

/** What `init` prints: how the other machines join, and what faaso.yml must say. */
export function joinInstructions(a: { manager: string; token: string; registry: string }): string {
  return [
    'on each other machine (with this faaso checkout), run:',
    `  npx zx scripts/swarm.mjs join --manager ${a.manager} --token ${a.token} --registry ${a.registry}`,
    `and in ${STACK_FILE}:`,
    '  target: swarm',
    `  registry: ${a.registry}`,
    '  bind: 0.0.0.0',
  ].join('\n');
}
