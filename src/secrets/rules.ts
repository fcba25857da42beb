// The rules of secrets, shared by the store, function.yml, faaso.yml, the
// renderers and schemas/*.schema.json (unit tests keep the schemas' patterns
// equal to these). A secret's name ends up in file names, compose keys, Swarm
// object names and Caddyfile paths, so it is an allow-list. Its value is never
// printed: every message here names a secret and describes its value (length,
// kind of character), never shows it.
import { createHmac } from 'node:crypto';

/** Lower-case letters, digits, "-" and "_", starting with a letter or digit; at most 63. */
export const SECRET_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Docker Swarm refuses larger secrets; compose would not, but a stack must run on both. */
export const SECRET_MAX_BYTES = 500 * 1024;

/** API keys: visible ASCII, so a header carries them unchanged; long enough not to be guessed. */
export const API_KEY = /^[\x21-\x7e]+$/;
export const API_KEY_MIN = 16;
export const API_KEY_MAX = 4096;

/** bcrypt reads at most 72 bytes of a password: a longer one would be cut without a word. */
export const BASIC_PASSWORD_MAX_BYTES = 72;

/** A basic-auth user name: what Caddy reads as one token and HTTP as the part before ":". */
export const BASIC_USER = /^[A-Za-z0-9._~@+-]{1,64}$/;

/** Where a function finds its secrets, and where faaso's proxies find theirs (the auth files). */
export const FUNCTION_SECRETS_DIR = '/run/secrets';
export const PROXY_AUTH_DIR = '/run/faaso/auth';

/** How to set one, for every "not set" message. */
export const setCommand = (name: string): string => `npx zx scripts/secret.mjs set ${name}`;

/** Why a secret name is not allowed, or undefined. */
export function secretNameProblem(name: string): string | undefined {
  if (SECRET_NAME.test(name)) return undefined;
  return (
    `invalid secret name ${JSON.stringify(name)}: lower-case letters, digits, "-" and "_", ` +
    'starting with a letter or digit, at most 63 characters'
  );
}

/** Why a value cannot be a secret at all, or undefined. */
export function secretValueProblem(value: Buffer): string | undefined {
  if (value.length === 0) return 'the value is empty';
  if (value.length > SECRET_MAX_BYTES)
    return `the value has ${value.length} bytes; at most ${SECRET_MAX_BYTES} (500 KiB, Docker Swarm's limit)`;
  return undefined;
}

/** Why a secret cannot serve as an API key (it is compared with a request header), or undefined. */
export function apiKeyProblem(name: string, value: Buffer): string | undefined {
  const text = value.toString('latin1');
  const generate = `generate one: head -c 32 /dev/urandom | base64 | ${setCommand(name)}`;
  if (!API_KEY.test(text))
    return `secret "${name}" has spaces, control or non-ASCII characters, which a request header cannot carry; ${generate}`;
  if (text.length < API_KEY_MIN)
    return `secret "${name}" has ${text.length} characters; an API key needs at least ${API_KEY_MIN}; ${generate}`;
  if (text.length > API_KEY_MAX)
    return `secret "${name}" has ${text.length} characters; an API key may have at most ${API_KEY_MAX}`;
  return undefined;
}

/** Why a secret cannot serve as a basic-auth password (it is bcrypt-hashed), or undefined. */
export function basicPasswordProblem(name: string, value: Buffer): string | undefined {
  if (value.length > BASIC_PASSWORD_MAX_BYTES)
    return `secret "${name}" has ${value.length} bytes; bcrypt reads at most ${BASIC_PASSWORD_MAX_BYTES}, so a password must not be longer`;
  if (/[\r\n\0]/.test(value.toString('latin1')))
    return `secret "${name}" contains a line break or NUL, which no browser sends in a password`;
  return undefined;
}

/**
 * A secret's version, for names and labels: an HMAC of its name and value with
 * the store's random key. It changes whenever the value does, and tells nothing
 * about the value to anyone without the key (a plain hash of a short password
 * could be brute-forced from a container label).
 */
export function secretStamp(key: Buffer, name: string, value: Buffer): string {
  return createHmac('sha256', key).update(`faaso-secret\0${name}\0`).update(value).digest('hex').slice(0, 16);
}

/** A secret as a deployment uses it: its name and the stamp of its value. */
export interface SecretRef {
  name: string;
  stamp: string;
}

/** A function's copy of a secret, in the project's deploy folder: named by version, so a rollback finds the old one. */
export const functionCopyName = (s: SecretRef): string => `${s.name}-${s.stamp}`;

/** An API key as the proxies read it: PROXY_AUTH_DIR/key-NAME-STAMP. */
export const apiKeyFileName = (s: SecretRef): string => `key-${s.name}-${s.stamp}`;

/** A basic-auth password's bcrypt hash as the proxies read it: PROXY_AUTH_DIR/basic-NAME-STAMP. */
export const basicHashFileName = (s: SecretRef): string => `basic-${s.name}-${s.stamp}`;
