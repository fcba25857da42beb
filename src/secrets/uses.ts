// Pure: where the project uses each secret (function.yml `secrets`, faaso.yml
// route auth), and what each use asks of its value. `up` checks every use
// before anything is built; `secret list` shows them.
import type { Problem } from '../errors.ts';
import type { FunctionSpec } from '../function/types.ts';
import type { Route } from '../stack/types.ts';
import { byCodeUnit, fieldPath } from '../util/fields.ts';
import { apiKeyProblem, basicPasswordProblem, setCommand } from './rules.ts';

export interface SecretUse {
  secret: string;
  /** What uses it: a function name, or a route path. */
  by: string;
  kind: 'function' | 'api-key' | 'basic';
  /** The basic-auth user whose password it is. */
  user?: string;
  /** Where it is named: file and field, for messages. */
  file: string;
  field: string;
}

/** Every use, by secret, then file and field. */
export function secretUses(
  stackFile: string,
  routes: readonly Route[],
  specs: readonly Pick<FunctionSpec, 'name' | 'file' | 'secrets'>[],
): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const s of specs)
    s.secrets.forEach((secret, i) =>
      uses.push({ secret, by: s.name, kind: 'function', file: s.file, field: fieldPath('secrets', i) }),
    );
  for (const r of routes) {
    const base = fieldPath(fieldPath('routes', r.path), 'auth');
    r.auth?.apiKeys.forEach((secret, i) =>
      uses.push({
        secret,
        by: r.path,
        kind: 'api-key',
        file: stackFile,
        field: fieldPath(fieldPath(base, 'api_keys'), i),
      }),
    );
    for (const { user, secret } of r.auth?.basic ?? [])
      uses.push({
        secret,
        by: r.path,
        kind: 'basic',
        user,
        file: stackFile,
        field: fieldPath(fieldPath(base, 'basic'), user),
      });
  }
  return uses.sort(
    (a, b) => byCodeUnit(a.secret, b.secret) || byCodeUnit(a.file, b.file) || byCodeUnit(a.field, b.field),
  );
}

/**
 * Every use of a secret that is not set, or whose value cannot serve that use
 * (an API key too short, a password bcrypt would cut): one problem each, all
 * at once, never showing a value.
 */
export function secretProblems(uses: readonly SecretUse[], values: ReadonlyMap<string, Buffer>): Problem[] {
  const problems: Problem[] = [];
  for (const u of uses) {
    const value = values.get(u.secret);
    const why =
      value === undefined
        ? `secret "${u.secret}" is not set: ${setCommand(u.secret)} (the value is read from stdin)`
        : u.kind === 'api-key'
          ? apiKeyProblem(u.secret, value)
          : u.kind === 'basic'
            ? basicPasswordProblem(u.secret, value)
            : undefined;
    if (why) problems.push({ file: u.file, field: u.field, message: why });
  }
  return problems;
}

/** "function sum", "route /admin (API key)", "route /admin (user alice)". */
export function describeUse(u: SecretUse): string {
  if (u.kind === 'function') return `function ${u.by}`;
  return `route ${u.by} (${u.kind === 'api-key' ? 'API key' : `user ${u.user}`})`;
}
