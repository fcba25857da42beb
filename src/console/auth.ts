// Who may use the console: whoever holds its token. The token is made on first
// start (printed once) and kept as the secret `console-token` in faaso's secret
// store (0600 in a 0700 folder, outside git: `secret.mjs set console-token` sets
// another, `secret.mjs rm console-token` has the next start make a new one);
// a login turns it into an HttpOnly, SameSite=Strict cookie derived from it,
// and scrapers send it as a bearer token. Requests from other sites or to
// other host names (DNS rebinding) are refused before anything else.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readSecret, setSecret } from '../secrets/store.ts';

export const TOKEN_SECRET = 'console-token';
export const COOKIE = 'faaso_console';

/** The token from the secret store, made (and said to be new) on first start. */
export async function ensureToken(secretsDir: string): Promise<{ token: string; created: boolean }> {
  const existing = (await readSecret(secretsDir, TOKEN_SECRET))?.toString('utf8').trim() ?? '';
  if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) return { token: existing, created: false };
  const token = randomBytes(24).toString('base64url');
  await setSecret(secretsDir, TOKEN_SECRET, Buffer.from(token));
  return { token, created: true };
}

/** The session cookie's value: derived from the token, so a new token logs everyone out. */
export const sessionValue = (token: string): string =>
  createHmac('sha256', token).update('faaso console session').digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** A logged-in browser (the cookie) or a scraper (Authorization: Bearer TOKEN). */
export function authorized(token: string, headers: { cookie?: string; authorization?: string }): boolean {
  const cookie = cookieOf(headers.cookie, COOKIE);
  if (cookie !== undefined && same(cookie, sessionValue(token))) return true;
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  return bearer !== undefined && same(bearer, token);
}

export const tokenMatches = (token: string, given: string): boolean => same(given.trim(), token);

export function sessionCookie(token: string): string {
  return `${COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`;
}

/**
 * Host names the console answers to: its own address (loopback names when it
 * listens on loopback). Any other Host is a page on another site that made its
 * name resolve to this address (DNS rebinding). Listening on every interface,
 * the user chose to be reached by any name.
 */
export function hostAllowed(host: string | undefined, bind: string, port: number): boolean {
  if (bind === '0.0.0.0') return true;
  const names = [`${bind}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return host !== undefined && names.includes(host.toLowerCase());
}

/** A state-changing request must come from the console's own pages (no Origin: not a browser's cross-site form). */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  // "null": a sandboxed frame, a data: URL or a redirect from elsewhere — never the console itself.
  return host !== undefined && origin === `http://${host}`;
}
