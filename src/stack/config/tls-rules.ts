// The value rules of faaso.yml's proxy.tls, shared by the validator and
// schemas/faaso.schema.json (the schema test keeps them equal).

export const TLS_KEYS: readonly string[] = [
  'cert',
  'domain',
  'hosts',
  'hsts',
  'http_port',
  'https_port',
  'internal',
  'key',
];

/** What users expect of a site with HTTPS; a public CA validates a name on exactly these ports. */
export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_HTTPS_PORT = 443;
/** Docker publishes privileged ports itself (its proxy runs as root), so 80 and 443 need nothing of the proxy. */
export const TLS_PORT_MIN = 1;

/**
 * A DNS name in lower case: labels of letters, digits and inner hyphens, at most
 * 253 characters. Nothing in it is special to a Caddyfile (it becomes a site
 * address and a host matcher).
 */
export const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Names no public CA certifies: single labels, special-use and private suffixes.
 * For these Caddy would quietly fall back to its own CA; faaso says so instead.
 */
export const NON_PUBLIC_SUFFIXES: readonly string[] = [
  'example',
  'home.arpa',
  'internal',
  'invalid',
  'lan',
  'local',
  'localhost',
  'test',
];

/**
 * A certificate or key path: one line, no ":" (it separates a volume's source
 * from its target in compose and `docker run -v`) and no "$" (compose would
 * read it as a variable).
 */
export const TLS_FILE_PATH = /^[^:$\u0000-\u001f\u007f-\u009f]+$/;

/** Where the proxy reads the user's certificate and key (mounted read-only; Docker's usual place for secrets). */
export const TLS_CERT_IN_CONTAINER = '/run/secrets/faaso_tls_cert';
export const TLS_KEY_IN_CONTAINER = '/run/secrets/faaso_tls_key';

/** The proxy's user and group (images/caddy/Dockerfile): the key must be readable by one of them. */
export const PROXY_UID = 10001;
export const PROXY_GID = 10001;
