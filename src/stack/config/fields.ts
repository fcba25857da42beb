// Readers for faaso.yml's scalar fields. Each takes the raw YAML value, reports
// problems under `field`, and returns the value (or undefined / the default) so
// validation goes on and reports everything at once.
import { UserError } from '../../errors.ts';
import { parseRegistry } from '../../settings.ts';
import { checkKnownKeys, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { closestMatch } from '../../util/suggest.ts';
import {
  CPUS_DECIMALS_MAX,
  CPUS_MAX,
  CPUS_MIN,
  DEFAULT_LIMITS,
  IPV4,
  MEMORY,
  MEMORY_MAX_MB,
  MEMORY_MIN_MB,
  memoryMegabytes,
  PIDS_MAX,
  PIDS_MIN,
  REPLICAS_MAX,
  REPLICAS_MIN,
  TARGETS,
  UPDATE_KEYS,
} from './rules.ts';
import type { Limits, Target } from '../types.ts';
import { PORT_MAX, PORT_MIN } from './ports.ts';

/** `unknown function "mult" (available: hello, multiply, sum); did you mean "multiply"?` */
export function unknownFunctionMessage(name: string, available: readonly string[]): string {
  const sorted = [...available].sort();
  if (sorted.length === 0) {
    return `unknown function ${JSON.stringify(name)} (there are no functions under functions/ yet: create one with npx zx scripts/new.mjs NAME --runtime RUNTIME)`;
  }
  // Edit distance misses abbreviations ("mult"); a unique prefix match catches them.
  const prefixed = sorted.filter((c) => name.length >= 2 && c.startsWith(name));
  const match = closestMatch(name, sorted) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  const hint = match === undefined ? '' : `; did you mean ${JSON.stringify(match)}?`;
  return `unknown function ${JSON.stringify(name)} (available: ${sorted.join(', ')})${hint}`;
}

/** An integer within [min, max], or undefined (absent or reported). */
export function readInteger(
  raw: unknown,
  field: string,
  p: Problems,
  min: number,
  max: number,
  what: string,
  why = '',
): number | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    p.add(field, `must be ${what}, an integer from ${min} to ${max} (got ${typeName(raw)})`);
    return undefined;
  }
  if (raw < min || raw > max) {
    p.add(field, `must be from ${min} to ${max} (got ${raw})${why}`);
    return undefined;
  }
  return raw;
}

/** `target: compose | swarm`, or undefined (absent: compose; or reported). */
export function readTarget(raw: unknown, field: string, p: Problems): Target | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw === 'string' && (TARGETS as readonly string[]).includes(raw)) return raw as Target;
  const got = typeof raw === 'string' ? JSON.stringify(raw) : typeName(raw);
  const hint = typeof raw === 'string' ? closestMatch(raw, [...TARGETS]) : undefined;
  p.add(field, `must be ${TARGETS.join(' or ')} (got ${got})${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`);
  return undefined;
}

/** A host port, 1024-65535. */
export function readPort(raw: unknown, field: string, p: Problems): number | undefined {
  const why = typeof raw === 'number' && raw < PORT_MIN ? '; ports below 1024 need root on the host' : '';
  return readInteger(raw, field, p, PORT_MIN, PORT_MAX, 'a port number', why);
}

export function readPids(raw: unknown, field: string, p: Problems): number | undefined {
  return readInteger(raw, field, p, PIDS_MIN, PIDS_MAX, 'a process/thread limit');
}

/** How many copies of the function run (1-32), or undefined (absent: 1, or reported). */
export function readReplicas(raw: unknown, field: string, p: Problems): number | undefined {
  return readInteger(raw, field, p, REPLICAS_MIN, REPLICAS_MAX, 'a number of replicas');
}

/** `update: {parallelism: N}`: replicas a rolling update replaces at a time (1-32). */
export function readUpdate(raw: unknown, field: string, p: Problems): { parallelism?: number } {
  if (isAbsent(raw)) return {};
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping such as "{parallelism: 1}" (got ${typeName(raw)})`);
    return {};
  }
  checkKnownKeys(raw, UPDATE_KEYS, field, p);
  const parallelism = readInteger(
    raw.parallelism,
    fieldPath(field, 'parallelism'),
    p,
    REPLICAS_MIN,
    REPLICAS_MAX,
    'a number of replicas',
  );
  return parallelism === undefined ? {} : { parallelism };
}

/** A memory limit such as "256m", from MEMORY_MIN_MB to MEMORY_MAX_MB. */
export function readMemory(raw: unknown, field: string, p: Problems): string | undefined {
  if (isAbsent(raw)) return undefined;
  const example = 'a size with a unit, e.g. "256m" or "1g" (k, m or g)';
  if (typeof raw !== 'string') {
    p.add(field, `must be ${example} (got ${typeName(raw)})`);
    return undefined;
  }
  if (!MEMORY.test(raw)) {
    const lower = raw.trim().toLowerCase().replace(/b$/, '');
    const hint = lower !== raw && MEMORY.test(lower) ? ` (write ${JSON.stringify(lower)})` : '';
    p.add(field, `must be ${example}; got ${JSON.stringify(raw)}${hint}`);
    return undefined;
  }
  if (memoryMegabytes(raw) < MEMORY_MIN_MB) {
    p.add(field, `must be at least ${MEMORY_MIN_MB}m (got ${raw}): less cannot start a runtime`);
    return undefined;
  }
  if (memoryMegabytes(raw) > MEMORY_MAX_MB) {
    p.add(field, `must be at most ${MEMORY_MAX_MB / 1024}g (got ${raw})`);
    return undefined;
  }
  return raw;
}

/** A CPU quota from CPUS_MIN up to the host's CPU count (docker refuses more), at most CPUS_MAX. */
export function readCpus(raw: unknown, field: string, p: Problems, hostCpus?: number): number | undefined {
  if (isAbsent(raw)) return undefined;
  const max = Math.min(CPUS_MAX, hostCpus ?? CPUS_MAX);
  const range = `from ${CPUS_MIN} to ${max}${hostCpus !== undefined && hostCpus < CPUS_MAX ? ` (this host has ${hostCpus} CPUs)` : ''}`;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    p.add(field, `must be a number of CPUs ${range}, e.g. 0.5 (got ${typeName(raw)})`);
    return undefined;
  }
  if (raw < CPUS_MIN || raw > max) {
    p.add(field, `must be ${range} (got ${raw})`);
    return undefined;
  }
  if ((String(raw).split('.')[1] ?? '').length > CPUS_DECIMALS_MAX) {
    p.add(field, `must have at most ${CPUS_DECIMALS_MAX} decimals: Docker counts nano-CPUs (got ${raw})`);
    return undefined;
  }
  return raw;
}

/** `memory`, `cpus` and `pids` of a mapping (a function's settings or `proxy`), defaults for what is absent or invalid. */
export function readLimits(raw: Record<string, unknown>, base: string, p: Problems, hostCpus?: number): Limits {
  return {
    memory: readMemory(raw.memory, fieldPath(base, 'memory'), p) ?? DEFAULT_LIMITS.memory,
    cpus: readCpus(raw.cpus, fieldPath(base, 'cpus'), p, hostCpus) ?? DEFAULT_LIMITS.cpus,
    pids: readPids(raw.pids, fieldPath(base, 'pids'), p) ?? DEFAULT_LIMITS.pids,
  };
}

/** An IPv4 address the published ports bind to. */
export function readBind(raw: unknown, field: string, p: Problems): string | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw === 'string' && IPV4.test(raw)) return raw;
  const got = typeof raw === 'string' ? JSON.stringify(raw) : typeName(raw);
  p.add(field, `must be an IPv4 address such as 127.0.0.1 (loopback only) or 0.0.0.0 (every interface); got ${got}`);
  return undefined;
}

/** A registry host:port (the same rules as FAASO_REGISTRY). */
export function readRegistry(raw: unknown, field: string, p: Problems): string | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw !== 'string') {
    p.add(field, `must be host:port, e.g. 127.0.0.1:5000 (got ${typeName(raw)})`);
    return undefined;
  }
  try {
    parseRegistry(raw);
    return raw;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    p.add(field, `invalid registry address ${JSON.stringify(raw)}: use host:port, e.g. 127.0.0.1:5000`);
    return undefined;
  }
}
