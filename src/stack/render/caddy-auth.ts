// The Caddyfile lines of a route's auth (and of a function's own port, which
// asks for the same credentials). Pure. No key or hash is ever in the text:
// it names files in PROXY_AUTH_DIR, a folder faaso mounts read-only into the
// proxies, named by the secret's stamp (so a new value is a new file, and a new
// Caddyfile that Caddy validates and loads like any route change).
//
// - API keys (`Authorization: Bearer KEY` or `X-API-Key: KEY`): a CEL
//   expression reads each key file when a request comes (Caddy's `{file.*}`
//   placeholder, through `ph(req, …)`: the `{…}` shorthand in expressions
//   stops at "/") and compares it with the headers, as plain strings — the
//   header matcher would read a "*" in a key as a wildcard.
// - Basic auth: Caddy's `basic_auth` with each bcrypt hash read from its file
//   when the config loads.
// - Unauthenticated: 401 with a JSON body and `WWW-Authenticate` (Bearer for
//   keys, Basic for users, both when the route takes both); the request never
//   reaches the function. Authenticated: the credential headers are removed
//   before the request is proxied, so the function never sees a key either.
import type { SecretRef } from '../../secrets/rules.ts';
import { apiKeyFileName, basicHashFileName, BASIC_USER, PROXY_AUTH_DIR, SECRET_NAME } from '../../secrets/rules.ts';
import type { RouteAuth } from '../types.ts';

export const AUTH_REALM = 'faaso';
/** Set on a request that will be asked for basic auth while API keys would do too: the 401 offers both. */
const BEARER_VAR = 'faaso_bearer';
const UNAUTHORIZED_BODY = '`\\{"error":"unauthorized"\\}`';

function checkRef(s: SecretRef): void {
  if (!SECRET_NAME.test(s.name) || !/^[0-9a-f]{16}$/.test(s.stamp))
    throw new Error(`caddyfile: secret ${JSON.stringify(s)} is not a valid name and stamp`);
}

function checkAuth(auth: RouteAuth<SecretRef>): void {
  auth.apiKeys.forEach(checkRef);
  for (const b of auth.basic) {
    if (!BASIC_USER.test(b.user)) throw new Error(`caddyfile: user ${JSON.stringify(b.user)} is not a valid name`);
    checkRef(b.secret);
  }
  if (auth.apiKeys.length === 0 && auth.basic.length === 0) throw new Error('caddyfile: an auth with no credential');
}

const keyFile = (s: SecretRef): string => `"file.${PROXY_AUTH_DIR}/${apiKeyFileName(s)}"`;

/** Requests carrying one of the keys, in either header. */
function keyMatcher(name: string, keys: readonly SecretRef[]): string {
  const list = keys.map((k) => `ph(req, ${keyFile(k)})`).join(', ');
  return `@${name} expression \`[${list}].exists(k, k == {header.X-Api-Key} || "Bearer " + k == {header.Authorization})\``;
}

const STRIP_CREDENTIALS = ['request_header -Authorization', 'request_header -X-Api-Key'];

const denyWithBearer = [
  `header WWW-Authenticate \`Bearer realm="${AUTH_REALM}"\``,
  'header Content-Type application/json',
  `respond ${UNAUTHORIZED_BODY} 401`,
];

function basicAuth(auth: RouteAuth<SecretRef>): string[] {
  return [
    ...(auth.apiKeys.length > 0 ? [`vars ${BEARER_VAR} 1`] : []),
    `basic_auth bcrypt ${AUTH_REALM} {`,
    ...auth.basic.map((b) => `\t${b.user} {file.${PROXY_AUTH_DIR}/${basicHashFileName(b.secret)}}`),
    '}',
  ];
}

/**
 * The lines of a handle (or site) block: `serve` (the strip_prefix and the
 * reverse_proxy) behind the auth, or as it is when there is none. `name`
 * names the key matcher (unique per site).
 */
export function withAuth(
  auth: RouteAuth<SecretRef> | undefined,
  name: string,
  serve: readonly string[],
  indent: string,
): string[] {
  if (!auth) return serve.map((l) => indent + l);
  checkAuth(auth);
  const inner = (lines: readonly string[]): string[] => lines.map((l) => `\t${l}`);
  const passed = [...STRIP_CREDENTIALS, ...serve];
  const lines =
    auth.apiKeys.length === 0
      ? [...basicAuth(auth), ...passed]
      : [
          keyMatcher(name, auth.apiKeys),
          `handle @${name} {`,
          ...inner(passed),
          '}',
          'handle {',
          ...inner(auth.basic.length > 0 ? [...basicAuth(auth), ...passed] : denyWithBearer),
          '}',
        ];
  return lines.map((l) => indent + l);
}

/** Whether any route (or own port) asks for a user: basic_auth's 401 is an error the site answers in JSON. */
export const hasBasic = (auths: readonly (RouteAuth<SecretRef> | undefined)[]): boolean =>
  auths.some((a) => (a?.basic.length ?? 0) > 0);

/** Whether any takes API keys: the access log then hides the X-Api-Key header (Caddy hides Authorization itself). */
export const hasKeys = (auths: readonly (RouteAuth<SecretRef> | undefined)[]): boolean =>
  auths.some((a) => (a?.apiKeys.length ?? 0) > 0);

/** basic_auth's 401 as JSON, offering Bearer too where the route takes keys; other errors as before. */
export const AUTH_ERRORS: readonly string[] = [
  'handle_errors 401 {',
  `\t@${BEARER_VAR} vars ${BEARER_VAR} 1`,
  `\theader @${BEARER_VAR} +WWW-Authenticate \`Bearer realm="${AUTH_REALM}"\``,
  '\theader Content-Type application/json',
  `\trespond ${UNAUTHORIZED_BODY} 401`,
  '}',
];

/** The access log's format: JSON, with X-Api-Key replaced when keys are in use. */
export function logFormat(keys: boolean, indent: string): string[] {
  if (!keys) return [`${indent}format json`];
  return [
    `${indent}format filter {`,
    `${indent}\twrap json`,
    `${indent}\trequest>headers>X-Api-Key replace REDACTED`,
    `${indent}}`,
  ];
}
