// Pure: a route's auth with the versions of its secrets, and what a function's
// own port asks of a caller. The own port reaches the same handler as every
// route to the function (the proxy strips the route's prefix), so it must not
// be a way around the routes' auth: it accepts every credential any of the
// function's routes accepts, and is open only when one of its routes is.
import { byCodeUnit } from '../util/fields.ts';
import type { SecretRef } from '../secrets/rules.ts';
import type { PlannedRoute, RouteAuth } from './types.ts';

export function plannedAuth(auth: RouteAuth, ref: (name: string) => SecretRef): RouteAuth<SecretRef> {
  return {
    apiKeys: auth.apiKeys.map(ref),
    basic: auth.basic.map(({ user, secret }) => ({ user, secret: ref(secret) })),
  };
}

/** The union of the routes' auth; undefined when the function has no route, or one without auth. */
export function ownPortAuth(routes: readonly PlannedRoute[]): RouteAuth<SecretRef> | undefined {
  if (routes.length === 0 || routes.some((r) => !r.auth)) return undefined;
  const keys = new Map<string, SecretRef>();
  const users = new Map<string, SecretRef>();
  for (const r of routes) {
    for (const k of r.auth!.apiKeys) keys.set(k.name, k);
    // One password per user: config validation refuses a user with two (validate.ts).
    for (const b of r.auth!.basic) if (!users.has(b.user)) users.set(b.user, b.secret);
  }
  return {
    apiKeys: [...keys.values()].sort((a, b) => byCodeUnit(a.name, b.name)),
    basic: [...users.entries()].sort(([a], [b]) => byCodeUnit(a, b)).map(([user, secret]) => ({ user, secret })),
  };
}
