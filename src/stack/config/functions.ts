// faaso.yml's optional `functions:` — per-function port, env overrides, limits,
// replicas and how a rolling update replaces them.
import { readEnv } from '../../function/validate.ts';
import { checkKnownKeys, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { readLimits, readPort, readReplicas, readUpdate, unknownFunctionMessage } from './fields.ts';
import { DEFAULT_LIMITS, DEFAULT_PARALLELISM, DEPLOY_KEYS } from './rules.ts';
import type { Limits } from '../types.ts';
import { readSchedule, type ScheduleEntry } from './schedule.ts';

/** One function's settings; `port` is undefined when faaso picks the default. */
export interface DeploySettings {
  port?: number;
  env: Record<string, string>;
  limits: Limits;
  replicas: number;
  parallelism: number;
  schedule: ScheduleEntry[];
}

export interface DeployContext {
  /** Every function under functions/. */
  functions: readonly string[];
  /** Functions named by a route (valid or not): settings for anything else are dead config. */
  routed: ReadonlySet<string>;
  hostCpus?: number;
}

function readSettings(raw: unknown, base: string, ctx: DeployContext, p: Problems): DeploySettings {
  const defaults: DeploySettings = {
    env: {},
    limits: { ...DEFAULT_LIMITS },
    replicas: 1,
    parallelism: DEFAULT_PARALLELISM,
    schedule: [],
  };
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
  const replicas = readReplicas(raw.replicas, fieldPath(base, 'replicas'), p) ?? 1;
  const { parallelism = DEFAULT_PARALLELISM } = readUpdate(raw.update, fieldPath(base, 'update'), p);
  if (parallelism > replicas) {
    p.add(
      fieldPath(fieldPath(base, 'update'), 'parallelism'),
      `must not exceed replicas (${replicas}): an update replaces at most every replica at once`,
    );
  }
  const schedule = readSchedule(raw.schedule, fieldPath(base, 'schedule'), p);
  return { port, env, limits, replicas, parallelism, schedule };
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
