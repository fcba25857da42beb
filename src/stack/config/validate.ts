// Pure validation of faaso.yml: raw YAML value + facts about the project in,
// StackConfig or the full list of problems out (users fix everything in one go).
import type { Problem } from '../../errors.ts';
import { parseRegistry } from '../../settings.ts';
import { byCodeUnit, checkKnownKeys, fieldPath, isAbsent, isMapping, Problems, typeName } from '../../util/fields.ts';
import { readBind, readLimits, readPort, readRegistry, readTarget } from './fields.ts';
import { readDeploySettings, type DeploySettings } from './functions.ts';
import { checkUsersPerFunction, routeFunction } from './auth.ts';
import { readRoutes } from './routes.ts';
import {
  DEFAULT_BIND,
  DEFAULT_LIMITS,
  DEFAULT_PARALLELISM,
  DEFAULT_PROXY_PORT,
  PROXY_KEYS,
  STACK_KEYS,
} from './rules.ts';
import { assignDefaultPorts, DEFAULT_PORT_BASE, DEFAULT_PORT_SPAN, CADDY_ADMIN_PORT } from './ports.ts';
import { readTls } from './tls.ts';
import type { FileFact } from './tls-files.ts';
import type { FunctionDeployConfig, Limits, StackConfig } from '../types.ts';

export interface StackContext {
  /** faaso.yml as shown to users. */
  file: string;
  /** Every function under functions/ (folder names). */
  functions: readonly string[];
  /** Registry used when faaso.yml names none: FAASO_REGISTRY or 127.0.0.1:5000. */
  registry: string;
  /** Host ports something else already owns, port → who (e.g. 9000 → "the metrics agent"). */
  reservedPorts?: ReadonlyMap<number, string>;
  /** CPUs of the host: docker refuses a `cpus` above it. */
  hostCpus?: number;
  /** What the loader read at the paths proxy.tls.cert and key name. */
  tlsFiles?: ReadonlyMap<string, FileFact>;
  /** ms since epoch, for a certificate's expiry (undefined: not checked). */
  now?: number;
}

/** faaso's own registry publishes on its loopback address; a function on the same address and port cannot start. */
function registryPort(registry: string, bind: string): [number, string] | undefined {
  const { host, port, loopback } = parseRegistry(registry);
  const address = host === 'localhost' ? '127.0.0.1' : host;
  if (!loopback || (bind !== '0.0.0.0' && bind !== address)) return undefined;
  return [port, `faaso's registry (${registry})`];
}

/** The proxy's host port; undefined when the one given is invalid (already reported). */
function readProxyPort(raw: unknown, p: Problems): number | undefined {
  if (isAbsent(raw)) return DEFAULT_PROXY_PORT;
  if (!isMapping(raw)) {
    p.add('proxy', `must be a mapping such as "{port: 8080}" (got ${typeName(raw)})`);
    return undefined;
  }
  checkKnownKeys(raw, PROXY_KEYS, 'proxy', p);
  if (isAbsent(raw.port)) return DEFAULT_PROXY_PORT;
  if (!isAbsent(raw.tls)) {
    p.add(
      'proxy.port',
      'with proxy.tls the proxy listens on tls.http_port (default 80: HTTP, redirected to HTTPS) and tls.https_port (default 443): remove port, or move it there',
    );
    return undefined;
  }
  return readPort(raw.port, 'proxy.port', p);
}

/**
 * proxy.access_log (default true: users expect one JSON line per request). Only an
 * explicit false is kept, so configs that never mention it compare as before.
 */
function readAccessLog(raw: unknown, p: Problems): { accessLog?: false } {
  if (!isMapping(raw) || isAbsent(raw.access_log)) return {};
  if (typeof raw.access_log !== 'boolean') {
    p.add('proxy.access_log', `must be true or false (got ${typeName(raw.access_log)})`);
    return {};
  }
  return raw.access_log ? {} : { accessLog: false };
}

/**
 * proxy.memory / cpus / pids, the same fields and defaults as a function's. Kept
 * only when one is given, so configs that never mention them compare as before.
 * Caddy spent 210–340 µs of CPU per proxied request in bench/proxy.mjs, so
 * the default 1 CPU carries a few thousand requests/s: bigger hosts raise it here.
 */
function readProxyLimits(raw: unknown, p: Problems, hostCpus?: number): { limits?: Limits } {
  if (!isMapping(raw) || (isAbsent(raw.memory) && isAbsent(raw.cpus) && isAbsent(raw.pids))) return {};
  return { limits: readLimits(raw, 'proxy', p, hostCpus) };
}

/**
 * Host ports for every routed function: explicit ones are checked against the
 * proxy, reserved ports and each other; the rest get stable defaults (ports.ts).
 */
function assignPorts(
  names: readonly string[],
  settings: ReadonlyMap<string, DeploySettings>,
  proxyPort: number | undefined,
  reserved: ReadonlyMap<number, string>,
  p: Problems,
  proxyField = 'proxy.port',
): Map<string, number> {
  const ports = new Map<string, number>();
  const owner = new Map<number, string>();
  for (const name of names) {
    const s = settings.get(name);
    if (s?.port === undefined) continue;
    const field = fieldPath(fieldPath('functions', name), 'port');
    const taken =
      s.port === proxyPort
        ? `the proxy (${proxyField})`
        : s.port === CADDY_ADMIN_PORT
          ? "Caddy's admin API inside faaso's ports listener, which listens on every function's port"
          : (reserved.get(s.port) ?? owner.get(s.port));
    if (taken !== undefined) {
      p.add(field, `port ${s.port} is already used by ${taken}; pick another`);
      continue;
    }
    owner.set(s.port, `function "${name}" (functions.${name}.port)`);
    ports.set(name, s.port);
  }
  const wanting = names.filter((n) => settings.get(n)?.port === undefined);
  // An invalid proxy port still keeps the default one free, so fixing it moves no function.
  const taken = new Set([proxyPort ?? DEFAULT_PROXY_PORT, ...reserved.keys(), ...owner.keys()]);
  const defaults = assignDefaultPorts(wanting, taken);
  for (const name of wanting) {
    const port = defaults.get(name);
    if (port !== undefined) ports.set(name, port);
    else {
      const last = DEFAULT_PORT_BASE + DEFAULT_PORT_SPAN - 1;
      p.add(
        fieldPath(fieldPath('functions', name), 'port'),
        `no free default port left in ${DEFAULT_PORT_BASE}-${last}; set one`,
      );
    }
  }
  return ports;
}

/**
 * On Swarm every node must pull the images, so the registry cannot be this
 * machine's loopback; and Swarm publishes host-mode ports on every interface
 * of a node, which faaso.yml must say (bind: 0.0.0.0): faaso never widens a
 * published port on its own.
 */
function swarmRules(raw: Record<string, unknown>, bind: string, registry: string, p: Problems): void {
  if (parseRegistry(registry).loopback) {
    p.add(
      isAbsent(raw.registry) ? 'target' : 'registry',
      `target swarm needs a registry every node can pull from, not ${registry} (this machine's loopback): set registry: to the address \`scripts/swarm.mjs init\` printed, e.g. 10.0.0.5:5000`,
    );
  }
  if (bind !== '0.0.0.0') {
    p.add(
      isAbsent(raw.bind) ? 'target' : 'bind',
      `target swarm publishes the proxy on every interface of each node: set bind: 0.0.0.0 to say so (got ${bind})`,
    );
  }
}

/** Validates a parsed faaso.yml. `config` is set only when there are no problems. */
export function validateStackConfig(raw: unknown, ctx: StackContext): { config?: StackConfig; problems: Problem[] } {
  const p = new Problems(ctx.file);
  if (!isMapping(raw)) {
    p.add('', `must be a mapping of fields (${STACK_KEYS.join(', ')}); got ${typeName(raw)}`);
    return { problems: p.list };
  }
  checkKnownKeys(raw, STACK_KEYS, '', p);
  const routes = readRoutes(raw.routes, ctx.functions, p);
  checkUsersPerFunction(routes, p);
  const routed = new Set(
    isMapping(raw.routes)
      ? Object.values(raw.routes)
          .map(routeFunction)
          .filter((v): v is string => typeof v === 'string')
      : [],
  );
  const settings = readDeploySettings(raw.functions, { functions: ctx.functions, routed, hostCpus: ctx.hostCpus }, p);
  const target = readTarget(raw.target, 'target', p);
  const bind = readBind(raw.bind, 'bind', p) ?? DEFAULT_BIND;
  const registry = readRegistry(raw.registry, 'registry', p) ?? ctx.registry;
  if (target === 'swarm') swarmRules(raw, bind, registry, p);
  const plainPort = readProxyPort(raw.proxy, p);
  const accessLog = readAccessLog(raw.proxy, p);
  const proxyLimits = readProxyLimits(raw.proxy, p, ctx.hostCpus);
  const routePaths = isMapping(raw.routes) ? Object.keys(raw.routes) : [];
  const { tls, httpPort } = isMapping(raw.proxy)
    ? readTls(raw.proxy.tls, { files: ctx.tlsFiles, now: ctx.now, target, routePaths }, p)
    : {};
  const tlsSet = isMapping(raw.proxy) && !isAbsent(raw.proxy.tls);
  const proxyPort = tlsSet ? httpPort : plainPort;
  const portField = tlsSet ? 'proxy.tls.http_port' : 'proxy.port';

  const reserved = new Map(ctx.reservedPorts ?? []);
  const reg = registryPort(registry, bind);
  if (reg && !reserved.has(reg[0])) reserved.set(...reg);
  const proxyOwner = proxyPort === undefined ? undefined : reserved.get(proxyPort);
  if (proxyOwner !== undefined) p.add(portField, `port ${proxyPort} is already used by ${proxyOwner}; pick another`);
  if (tls) {
    const owner = reserved.get(tls.httpsPort);
    if (owner !== undefined)
      p.add('proxy.tls.https_port', `port ${tls.httpsPort} is already used by ${owner}; pick another`);
    else reserved.set(tls.httpsPort, "the proxy's HTTPS port (proxy.tls.https_port)");
  }

  // Every known function a route names, even on a malformed path, so port problems show up in the same round.
  const names = [...routed].filter((n) => ctx.functions.includes(n)).sort(byCodeUnit);
  const ports = assignPorts(names, settings, proxyPort, reserved, p, portField);
  if (p.list.length > 0) return { problems: p.list };

  const functions: FunctionDeployConfig[] = names.map((name) => {
    const s = settings.get(name);
    return {
      name,
      port: ports.get(name)!,
      env: s?.env ?? {},
      limits: s?.limits ?? { ...DEFAULT_LIMITS },
      replicas: s?.replicas ?? 1,
      parallelism: s?.parallelism ?? DEFAULT_PARALLELISM,
      // Only when given, so configs that never mention it compare as before.
      ...(s && s.schedule.length > 0 ? { schedule: s.schedule } : {}),
    };
  });
  return {
    config: {
      file: ctx.file,
      target: target ?? 'compose',
      bind,
      proxy: { port: proxyPort!, ...accessLog, ...proxyLimits, ...(tls ? { tls } : {}) },
      registry,
      routes,
      functions,
    },
    problems: [],
  };
}
