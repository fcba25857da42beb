// Where the secrets of a plan are, for both renderers: each function's copy of
// its secrets (mounted at /run/secrets/NAME) and the proxies' auth files
// (mounted at /run/faaso/auth). Only paths and names: no value is ever here.
// The files themselves are written by secrets/deploy.ts before any renderer's
// output is used.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FUNCTION_UID } from '../../function/contract.ts';
import {
  apiKeyFileName,
  basicHashFileName,
  functionCopyName,
  PROXY_AUTH_DIR,
  type SecretRef,
} from '../../secrets/rules.ts';
import type { RouteAuth, ServicePlan, StackPlan } from '../types.ts';

/** The proxies' folder in the deploy folder. */
export const PROXY_AUTH_FOLDER = 'proxy';

/** Read-only for the function's user, nobody else (Swarm applies it; compose mounts faaso's copy, made so). */
export const SECRET_FILE_MODE = 0o400;

function deployDir(plan: Pick<StackPlan, 'secretsDir'>): string {
  if (!plan.secretsDir) throw new Error('render: the plan uses secrets but has no secretsDir');
  return plan.secretsDir;
}

/** The host file a function's secret is mounted from. */
export const functionSecretFile = (plan: Pick<StackPlan, 'secretsDir'>, s: SecretRef): string =>
  path.join(deployDir(plan), functionCopyName(s));

/** Which auth the proxy (the routes) or the ports listener (the own ports) enforces. */
export function roleAuths(plan: StackPlan, role: 'proxy' | 'ports'): RouteAuth<SecretRef>[] {
  const auths = role === 'proxy' ? plan.routes.map((r) => r.auth) : plan.services.map((s) => s.auth);
  return auths.filter((a): a is RouteAuth<SecretRef> => a !== undefined);
}

/** The host folder of the proxies' auth files, when that proxy enforces any auth. */
export function authFolder(plan: StackPlan, role: 'proxy' | 'ports'): string | undefined {
  if (roleAuths(plan, role).length === 0) return undefined;
  return path.join(deployDir(plan), PROXY_AUTH_FOLDER);
}

/** Its mount, `HOST:/run/faaso/auth:ro`. */
export function authVolume(plan: StackPlan, role: 'proxy' | 'ports'): string | undefined {
  const folder = authFolder(plan, role);
  return folder ? `${folder}:${PROXY_AUTH_DIR}:ro` : undefined;
}

/** Every auth file a proxy reads, by file name: [file name, the secret it holds, its kind]. */
export function authFiles(auths: readonly RouteAuth<SecretRef>[]): [string, SecretRef, 'api-key' | 'basic'][] {
  const out = new Map<string, [string, SecretRef, 'api-key' | 'basic']>();
  for (const a of auths) {
    for (const k of a.apiKeys) out.set(apiKeyFileName(k), [apiKeyFileName(k), k, 'api-key']);
    for (const b of a.basic) out.set(basicHashFileName(b.secret), [basicHashFileName(b.secret), b.secret, 'basic']);
  }
  return [...out.values()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Compose's top-level `secrets:`, file-based (works without Swarm); undefined when no function has one. */
export function composeSecrets(plan: StackPlan): Record<string, { file: string }> | undefined {
  const all = new Map<string, SecretRef>();
  for (const s of plan.services) for (const ref of s.secrets ?? []) all.set(ref.name, ref);
  if (all.size === 0) return undefined;
  const names = [...all.keys()].sort();
  return Object.fromEntries(names.map((n) => [n, { file: functionSecretFile(plan, all.get(n)!) }]));
}

/** A service's secrets for compose: their names (mounted at /run/secrets/NAME). */
export const serviceSecretNames = (s: ServicePlan): string[] => (s.secrets ?? []).map((r) => r.name);

const hash12 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** A Swarm secret's name: stack and a hash of the file it is made from (secrets are immutable; a new value is a new one). */
export const swarmSecretName = (project: string, file: string): string => `${project}_secret_${hash12(file)}`;

/** A Swarm secret as a service mounts it: readable by the function's (or Caddy's) user only. */
export const swarmSecretMount = (source: string, target: string): Record<string, unknown> => ({
  source,
  target,
  uid: String(FUNCTION_UID),
  gid: String(FUNCTION_UID),
  mode: SECRET_FILE_MODE,
});

/** The stack's top-level `secrets:` on Swarm (key = its name), made from the deploy folder's files. */
export function swarmSecrets(plan: StackPlan): Record<string, { file: string; name: string }> | undefined {
  const files = new Map<string, string>();
  for (const s of plan.services)
    for (const ref of s.secrets ?? []) files.set(functionCopyName(ref), functionSecretFile(plan, ref));
  const auths = [...roleAuths(plan, 'proxy'), ...roleAuths(plan, 'ports')];
  for (const [file] of authFiles(auths))
    files.set(`${PROXY_AUTH_FOLDER}/${file}`, path.join(deployDir(plan), PROXY_AUTH_FOLDER, file));
  if (files.size === 0) return undefined;
  const keys = [...files.keys()].sort();
  return Object.fromEntries(
    keys.map((k) => {
      const name = swarmSecretName(plan.project, k);
      return [name, { file: files.get(k)!, name }];
    }),
  );
}

/** A function service's secret mounts on Swarm. */
export const swarmServiceSecrets = (plan: StackPlan, s: ServicePlan): Record<string, unknown>[] =>
  (s.secrets ?? []).map((ref) => swarmSecretMount(swarmSecretName(plan.project, functionCopyName(ref)), ref.name));

/** A proxy's auth files on Swarm, each mounted at /run/faaso/auth/FILE. */
export const swarmAuthSecrets = (plan: StackPlan, role: 'proxy' | 'ports'): Record<string, unknown>[] =>
  authFiles(roleAuths(plan, role)).map(([file]) =>
    swarmSecretMount(swarmSecretName(plan.project, `${PROXY_AUTH_FOLDER}/${file}`), `${PROXY_AUTH_DIR}/${file}`),
  );
