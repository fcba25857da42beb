// A route's target in faaso.yml: a function name (`/sum: sum`), or a mapping
// with the function and who may call it:
//   /admin: {function: admin, auth: {api_keys: [admin-key], basic: {alice: alice-password}}}
// Keys and passwords are secrets (scripts/secret.mjs), named here, never written.
import {
  byCodeUnit,
  checkKnownKeys,
  fieldPath,
  isAbsent,
  isMapping,
  typeName,
  type Problems,
} from '../../util/fields.ts';
import { readSecretNames } from '../../secrets/fields.ts';
import { BASIC_USER, secretNameProblem } from '../../secrets/rules.ts';
import type { Route, RouteAuth } from '../types.ts';

export const ROUTE_KEYS: readonly string[] = ['function', 'auth'];
export const AUTH_KEYS: readonly string[] = ['api_keys', 'basic'];

const AUTH_EXAMPLE = '{api_keys: [my-key]} or {basic: {alice: alice-password}}';

/** The function a route's raw value names, whatever its form; undefined when it names none. */
export function routeFunction(raw: unknown): unknown {
  return isMapping(raw) ? raw.function : raw;
}

function readBasic(raw: unknown, field: string, p: Problems): RouteAuth['basic'] {
  if (isAbsent(raw)) return [];
  if (!isMapping(raw) || Object.keys(raw).length === 0) {
    p.add(
      field,
      `must be a mapping of user → secret holding the password, e.g. {alice: alice-password} (got ${typeName(raw)})`,
    );
    return [];
  }
  const out: RouteAuth['basic'] = [];
  for (const [user, secret] of Object.entries(raw)) {
    const f = fieldPath(field, user);
    if (!BASIC_USER.test(user))
      p.add(f, `invalid user name ${JSON.stringify(user)}: letters, digits and . _ ~ @ + -, at most 64`);
    else if (typeof secret !== 'string') p.add(f, `must be the name of a secret (got ${typeName(secret)})`);
    else {
      const why = secretNameProblem(secret);
      if (why) p.add(f, why);
      else out.push({ user, secret });
    }
  }
  return out.sort((a, b) => byCodeUnit(a.user, b.user));
}

/** `auth:` of a route; undefined when absent or invalid (reported). */
export function readAuth(raw: unknown, field: string, p: Problems): RouteAuth | undefined {
  if (isAbsent(raw)) return undefined;
  if (!isMapping(raw)) {
    p.add(field, `must be a mapping such as ${AUTH_EXAMPLE} (got ${typeName(raw)})`);
    return undefined;
  }
  checkKnownKeys(raw, AUTH_KEYS, field, p);
  const before = p.list.length;
  const keysField = fieldPath(field, 'api_keys');
  const apiKeys = readSecretNames(raw.api_keys, keysField, p, 'a list of the secrets holding API keys');
  if (Array.isArray(raw.api_keys) && raw.api_keys.length === 0)
    p.add(keysField, 'must name at least one secret (or remove api_keys)');
  const basic = readBasic(raw.basic, fieldPath(field, 'basic'), p);
  if (isAbsent(raw.api_keys) && isAbsent(raw.basic))
    p.add(field, `must say who may call the route: ${AUTH_EXAMPLE} (or remove auth)`);
  if (p.list.length > before) return undefined;
  return { apiKeys: [...apiKeys].sort(byCodeUnit), basic };
}

/** A route's mapping form: its keys checked, its function and auth read. */
export function readRouteMapping(
  raw: Record<string, unknown>,
  field: string,
  p: Problems,
): { function: unknown; auth?: RouteAuth; bad: boolean } {
  const before = p.list.length;
  checkKnownKeys(raw, ROUTE_KEYS, field, p);
  if (isAbsent(raw.function)) p.add(fieldPath(field, 'function'), 'required: the function serving this route');
  const auth = readAuth(raw.auth, fieldPath(field, 'auth'), p);
  return { function: raw.function, ...(auth ? { auth } : {}), bad: p.list.length > before };
}

/**
 * A function's own port accepts every credential of its routes (plan-auth.ts),
 * and basic auth holds one password per user: a user must have the same
 * secret on every route to one function.
 */
export function checkUsersPerFunction(routes: readonly Route[], p: Problems): void {
  const seen = new Map<string, { secret: string; path: string }>();
  for (const r of routes)
    for (const { user, secret } of r.auth?.basic ?? []) {
      const key = `${r.function}\0${user}`;
      const first = seen.get(key);
      if (!first) seen.set(key, { secret, path: r.path });
      else if (first.secret !== secret)
        p.add(
          fieldPath(fieldPath(fieldPath(fieldPath('routes', r.path), 'auth'), 'basic'), user),
          `user "${user}" has the secret "${first.secret}" on ${first.path}, another route to ${r.function}: ` +
            `use one secret per user and function (its own port accepts the users of all its routes)`,
        );
    }
}
