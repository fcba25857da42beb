// StackConfig + what the builder knows about each function's image → StackPlan,
// the single input of the compose and Caddyfile renderers. Pure.
import { UserError } from '../errors.ts';
import type { SecretRef } from '../secrets/rules.ts';
import { byCodeUnit } from '../util/fields.ts';
import { ownPortAuth, plannedAuth } from './plan-auth.ts';
import type { PlannedRoute, StackConfig, StackPlan } from './types.ts';

/** Compose project name: also written to compose/.env so compose v1 and v2 agree on it. */
export const COMPOSE_PROJECT = 'faaso';

/** What the builder reports per function (build plan: hash, hashRef; template: healthcheck). */
export interface FunctionImage {
  /** Content hash, e.g. "ffeb9d46819f". */
  hash: string;
  /** Pinned content tag, e.g. "127.0.0.1:5000/sum:ffeb9d46819f". */
  image: string;
  /** Exec-form health command from the template, without "CMD". */
  healthcheck: readonly string[];
  /** Secrets it reads (function.yml `secrets`); absent: none. */
  secrets?: readonly string[];
}

/** The secrets the stack uses, set and stamped (prepare.ts reads them from the store), and its deploy folder. */
export interface PlanSecrets {
  dir: string;
  stamps: ReadonlyMap<string, string>;
}

/** A secret with its stamp; the shell checked every use first, so a missing one is a bug. */
export function secretRef(secrets: PlanSecrets | undefined, name: string): SecretRef {
  const stamp = secrets?.stamps.get(name);
  if (stamp === undefined) throw new Error(`plan: secret "${name}" has no stamp (its uses were not checked)`);
  return { name, stamp };
}

/** Plans every routed function; throws a UserError naming every function that has no image. */
export function planStack(
  config: StackConfig,
  fns: ReadonlyMap<string, FunctionImage>,
  proxyImage: string,
  secrets?: PlanSecrets,
): StackPlan {
  const missing = config.functions.map((f) => f.name).filter((name) => !fns.has(name));
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(', ');
    throw new UserError(
      `${config.file} routes to ${missing.length === 1 ? 'function' : 'functions'} ${list} but no image is known for ${missing.length === 1 ? 'it' : 'them'}`,
      `build ${missing.length === 1 ? 'it' : 'them'} first: npx zx scripts/build.mjs ${missing.join(' ')}`,
    );
  }
  // Paths grouped once: filtering every route per function was O(functions × routes)
  // (the deploy bench measured 1,000 functions at 2.4× the per-function cost of 10).
  const routes: PlannedRoute[] = config.routes.map((r) => ({
    path: r.path,
    function: r.function,
    ...(r.auth ? { auth: plannedAuth(r.auth, (n) => secretRef(secrets, n)) } : {}),
  }));
  const routesOf = new Map<string, PlannedRoute[]>();
  for (const r of routes) {
    const list = routesOf.get(r.function);
    if (list) list.push(r);
    else routesOf.set(r.function, [r]);
  }
  const services = config.functions.map((f) => {
    const img = fns.get(f.name)!;
    const mine = routesOf.get(f.name) ?? [];
    const auth = ownPortAuth(mine);
    const refs = [...(img.secrets ?? [])].sort(byCodeUnit).map((n) => secretRef(secrets, n));
    return {
      name: f.name,
      image: img.image,
      hash: img.hash,
      port: f.port,
      env: { ...f.env },
      limits: { ...f.limits },
      healthcheck: [...img.healthcheck],
      replicas: f.replicas,
      parallelism: f.parallelism,
      paths: mine.map((r) => r.path).sort(byCodeUnit),
      ...(refs.length > 0 ? { secrets: refs } : {}),
      ...(auth ? { auth } : {}),
    };
  });
  return {
    target: config.target,
    project: COMPOSE_PROJECT,
    bind: config.bind,
    proxy: {
      port: config.proxy.port,
      image: proxyImage,
      ...(config.proxy.accessLog === false ? { accessLog: false } : {}),
      ...(config.proxy.limits ? { limits: { ...config.proxy.limits } } : {}),
      ...(config.proxy.tls ? { tls: structuredClone(config.proxy.tls) } : {}),
    },
    services: services.sort((a, b) => byCodeUnit(a.name, b.name)),
    routes: routes.sort((a, b) => byCodeUnit(a.path, b.path)),
    ...(secrets ? { secretsDir: secrets.dir } : {}),
  };
}
