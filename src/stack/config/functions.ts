// faaso.yml's optional `functions:` — per-function port, env overrides and limits.
import { readEnv } from '../../function/validate.ts';
import { checkKnownKeys, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { readLimits, readPort, readReplicas, unknownFunctionMessage } from './fields.ts';
import { DEFAULT_LIMITS, DEPLOY_KEYS } from './rules.ts';
import type { Limits } from '../types.ts';

/** One function's settings; `port` is undefined when faaso picks the default. */
export interface DeploySettings {
  port?: number;
  env: Record<string, string>;
  limits: Limits;
}

export interface DeployContext {
  /** Every function under functions/. */
  functions: readonly string[];
  /** Functions named by a route (valid or not): settings for anything else are dead config. */
  routed: ReadonlySet<string>;
  hostCpus?: number;
}

function readSettings(raw: unknown, base: string, ctx: DeployContext, p: Problems): DeploySettings {
  const defaults: DeploySettings = { env: {}, limits: { ...DEFAULT_LIMITS } };
  if (isAbsent(raw)) return defaults;
  if (!isMapping(raw)) {
    p.add(base, `must be a mapping of settings (${DEPLOY_KEYS.join(', ')}); got ${typeName(raw)}`);
    return defaults;
  }
  checkKnownKeys(raw, DEPLOY_KEYS, base, p);
  // In DEPLOY_KEYS order, so problems are listed the way the fields are documented.
  const port = readPort(raw.port, fieldPath(base, 'port'), p);
  const env = readEnv(raw.env, p, fieldPath(base, 'env'));
  const limits = readLimits(raw, base, p, ctx.hostCpus);
  readReplicas(raw.replicas, fieldPath(base, 'replicas'), p);
  return { port, env, limits };
}

/** Settings per function name (only for known functions; every entry's fields are checked). */
export function readDeploySettings(raw: unknown, ctx: DeployContext, p: Problems): Map<string, DeploySettings> {
  const out = new Map<string, DeploySettings>();
  if (isAbsent(raw)) return out;
  if (!isMapping(raw)) {
    p.add(
      'functions',
      `must be a mapping of function name → settings, e.g. "sum: {port: 8101}" (got ${typeName(raw)})`,
    );
    return out;
  }
  for (const [name, settings] of Object.entries(raw)) {
    const base = fieldPath('functions', name);
    if (!ctx.functions.includes(name)) p.add(base, unknownFunctionMessage(name, ctx.functions));
    else if (!ctx.routed.has(name)) {
      p.add(base, `not routed: add a route such as "/${name}: ${name}" under routes, or remove these settings`);
    }
    // Check the fields even of a bad entry, so one round trip fixes everything.
    const read = readSettings(settings, base, ctx, p);
    if (ctx.functions.includes(name)) out.set(name, read);
  }
  return out;
}
