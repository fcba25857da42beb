// faaso.yml's `routes:` — path → function name, one line per route.
import { byCodeUnit, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { readRouteMapping } from './auth.ts';
import { unknownFunctionMessage } from './fields.ts';
import { RESERVED_SERVICE_NAMES, routeKey, routePathProblem } from './rules.ts';
import type { Route } from '../types.ts';

const EXAMPLE = 'e.g. "/sum: sum"';

/** Why `name` cannot be routed to, or undefined. */
function targetProblem(name: unknown, functions: readonly string[]): string | undefined {
  if (typeof name !== 'string')
    return `must be a function name, ${EXAMPLE}, or {function: NAME, auth: …} (got ${typeName(name)})`;
  if (!functions.includes(name)) return unknownFunctionMessage(name, functions);
  if (RESERVED_SERVICE_NAMES.includes(name)) {
    return `a function cannot be called ${JSON.stringify(name)}: faaso's own ${name} service has that name (rename functions/${name}/)`;
  }
  return undefined;
}

/**
 * Valid routes, sorted by path. Duplicates include "/sum" vs "/sum/" and
 * "/sum" vs "/Sum": Caddy's path matcher ignores case and a route already
 * serves everything below it, so both would fight over the same requests.
 * (Exact duplicate keys are already rejected by the YAML parser.)
 */
export function readRoutes(raw: unknown, functions: readonly string[], p: Problems): Route[] {
  if (isAbsent(raw)) {
    p.add('routes', `required: a mapping of path → function, ${EXAMPLE}`);
    return [];
  }
  if (!isMapping(raw)) {
    p.add('routes', `must be a mapping of path → function, ${EXAMPLE} (got ${typeName(raw)})`);
    return [];
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) {
    p.add('routes', `must route at least one path, ${EXAMPLE}`);
    return [];
  }
  // Which path first claimed each route key; clean paths claim before ones with a trailing "/".
  const owner = new Map<string, string>();
  for (const [path] of entries)
    if (!routePathProblem(path) && !owner.has(routeKey(path))) owner.set(routeKey(path), path);

  const routes: Route[] = [];
  for (const [path, target] of entries) {
    const field = fieldPath('routes', path);
    let bad = false;
    const why = routePathProblem(path);
    const first = owner.get(routeKey(path));
    if (why && path.endsWith('/') && first !== undefined) {
      p.add(
        field,
        `same route as ${JSON.stringify(first)}, which already serves ${first}/ and everything below it; remove this one`,
      );
      bad = true;
    } else if (why) {
      p.add(field, why);
      bad = true;
    } else if (first !== path) {
      p.add(field, `same route as ${JSON.stringify(first)}: the proxy matches paths ignoring case; remove one`);
      bad = true;
    }
    const mapping = isMapping(target) ? readRouteMapping(target, field, p) : undefined;
    const fn = mapping ? mapping.function : target;
    const targetWhy = mapping && isAbsent(fn) ? undefined : targetProblem(fn, functions);
    if (targetWhy) p.add(mapping ? fieldPath(field, 'function') : field, targetWhy);
    else if (!bad && !mapping?.bad)
      routes.push({ path, function: fn as string, ...(mapping?.auth ? { auth: mapping.auth } : {}) });
  }
  return routes.sort((a, b) => byCodeUnit(a.path, b.path));
}
