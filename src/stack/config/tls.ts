// faaso.yml's proxy.tls: HTTPS on the proxy. `domain` alone is Caddy's
// automatic HTTPS from a public CA (ACME); `internal: true` is Caddy's own CA
// (LAN and offline hosts); `cert` + `key` are the user's own files. Every
// problem is reported under its field, all at once, like the rest of faaso.yml.
import { checkKnownKeys, fieldPath, isAbsent, isMapping, typeName, type Problems } from '../../util/fields.ts';
import { readInteger } from './fields.ts';
import { checkTlsFiles, type FileFact } from './tls-files.ts';
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTPS_PORT,
  HOSTNAME,
  NON_PUBLIC_SUFFIXES,
  TLS_FILE_PATH,
  TLS_KEYS,
  TLS_PORT_MIN,
} from './tls-rules.ts';
import { PORT_MAX } from './ports.ts';
import type { Target } from '../types.ts';
import type { TlsConfig, TlsMode } from '../types.ts';

const FIELD = 'proxy.tls';
const f = (key: string): string => fieldPath(FIELD, key);

export interface TlsContext {
  /** What the loader read at each path that cert and key name. */
  files?: ReadonlyMap<string, FileFact>;
  /** ms since epoch, for the certificate's expiry; undefined skips that check. */
  now?: number;
  target?: Target;
  /** Every path faaso.yml routes (the keys of `routes`), valid or not. */
  routePaths: readonly string[];
}

/** Why `name` cannot be the proxy's host name, or undefined. */
function hostProblem(name: unknown, mode: TlsMode): string | undefined {
  if (typeof name !== 'string') return `must be a host name such as fn.example.com (got ${typeName(name)})`;
  if (name !== name.toLowerCase() && HOSTNAME.test(name.toLowerCase()))
    return `write it in lower case: ${name.toLowerCase()}`;
  if (!HOSTNAME.test(name))
    return `must be a host name of letters, digits, "-" and ".", such as fn.example.com (got ${JSON.stringify(name)})`;
  if (/^[0-9]+$/.test(name.slice(name.lastIndexOf('.') + 1)))
    return `is an IP address: faaso serves HTTPS for names; give this machine one (DNS, or /etc/hosts on the clients)`;
  if (mode !== 'acme') return undefined;
  const suffix = NON_PUBLIC_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (!name.includes('.') || suffix !== undefined)
    return `no public CA certifies ${name} (${suffix ? `.${suffix} names are not public` : 'a single label is not a public name'}): use internal: true for names of a LAN or of this machine, or cert: and key:`;
  return undefined;
}

function readBool(raw: unknown, field: string, p: Problems): boolean | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw === 'boolean') return raw;
  p.add(field, `must be true or false (got ${typeName(raw)})`);
  return undefined;
}

function readPath(raw: unknown, field: string, p: Problems): string | undefined {
  if (isAbsent(raw)) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') {
    p.add(
      field,
      `must be the path of a PEM file, e.g. certs/fn.pem (got ${typeof raw === 'string' ? 'an empty string' : typeName(raw)})`,
    );
    return undefined;
  }
  if (!TLS_FILE_PATH.test(raw)) {
    p.add(
      field,
      `${JSON.stringify(raw)}: a path with ":", "$" or control characters cannot be mounted by compose; move or rename the file`,
    );
    return undefined;
  }
  return raw;
}

const readTlsPort = (raw: unknown, field: string, fallback: number, p: Problems): number | undefined =>
  isAbsent(raw) ? fallback : readInteger(raw, field, p, TLS_PORT_MIN, PORT_MAX, 'a port number');

/** hosts: {HOST: [route paths]}: each host serves only the routes it lists. */
function readHosts(
  raw: unknown,
  mode: TlsMode,
  domain: string | undefined,
  routePaths: readonly string[],
  p: Problems,
): TlsConfig['hosts'] {
  if (isAbsent(raw)) return [];
  if (!isMapping(raw)) {
    p.add(f('hosts'), `must be a mapping of host → routes, e.g. "{api.example.com: [/sum]}" (got ${typeName(raw)})`);
    return [];
  }
  const claimed = new Map<string, string>();
  const hosts: TlsConfig['hosts'] = [];
  for (const [host, list] of Object.entries(raw)) {
    const field = fieldPath(f('hosts'), host);
    const why =
      hostProblem(host, mode) ??
      (host === domain ? 'is proxy.tls.domain already, which serves every route no host claims' : undefined);
    if (why) p.add(field, why);
    if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string')) {
      p.add(
        field,
        `must list the routes this host serves, e.g. [/sum] (got ${Array.isArray(list) ? 'an empty or mixed list' : typeName(list)})`,
      );
      continue;
    }
    const paths = [...new Set(list as string[])].sort();
    for (const path of paths) {
      if (!routePaths.includes(path)) p.add(field, `${JSON.stringify(path)} is not a route in routes:`);
      else if (claimed.has(path))
        p.add(field, `${path} is served by ${claimed.get(path)} already: a route has one host`);
      else claimed.set(path, host);
    }
    if (!why) hosts.push({ host, paths });
  }
  return hosts.sort((a, b) => (a.host < b.host ? -1 : 1));
}

/**
 * Not on a Swarm yet. Its proxies load their routes from proxy-routes (Caddy's
 * JSON, polled), so certificates would have to reach every node as secrets,
 * and ACME and the internal CA would each run once per node: a public CA's
 * challenge reaches whichever node it hits, and clients could trust only one
 * node's CA. None of that runs on a real Swarm here, so it is refused.
 */
const SWARM_REFUSAL =
  "target swarm does not serve HTTPS yet (each node's proxy would need the certificate, or its own CA); use target: compose for HTTPS, or terminate TLS in front of the Swarm's nodes and keep proxy.tls out of faaso.yml";

/** proxy.tls, or undefined (absent, or reported). `httpPort` is the plain HTTP port the proxy then publishes. */
export function readTls(raw: unknown, c: TlsContext, p: Problems): { tls?: TlsConfig; httpPort?: number } {
  if (isAbsent(raw)) return {};
  if (!isMapping(raw)) {
    p.add(FIELD, `must be a mapping such as "{domain: fn.example.com}" (got ${typeName(raw)})`);
    return {};
  }
  const count = p.list.length;
  checkKnownKeys(raw, TLS_KEYS, FIELD, p);
  const internal = readBool(raw.internal, f('internal'), p) === true;
  const cert = readPath(raw.cert, f('cert'), p);
  const key = readPath(raw.key, f('key'), p);
  if (!isAbsent(raw.cert) !== !isAbsent(raw.key))
    p.add(f(isAbsent(raw.cert) ? 'cert' : 'key'), 'cert and key go together: name both files, or neither');
  const files = !isAbsent(raw.cert) || !isAbsent(raw.key);
  if (internal && files)
    p.add(f('internal'), "internal: true and cert:/key: exclude each other: keep one (Caddy's own CA, or your files)");
  const mode: TlsMode = files ? 'files' : internal ? 'internal' : 'acme';
  const domainWhy = isAbsent(raw.domain)
    ? 'required: the host name clients use, e.g. fn.example.com'
    : hostProblem(raw.domain, mode);
  if (domainWhy) p.add(f('domain'), domainWhy);
  const domain = domainWhy ? undefined : (raw.domain as string);
  const hosts = readHosts(raw.hosts, mode, domain, c.routePaths, p);
  const httpPort = readTlsPort(raw.http_port, f('http_port'), DEFAULT_HTTP_PORT, p);
  const httpsPort = readTlsPort(raw.https_port, f('https_port'), DEFAULT_HTTPS_PORT, p);
  if (httpPort !== undefined && httpPort === httpsPort)
    p.add(f('https_port'), `must differ from http_port (both ${httpPort})`);
  const hsts = readBool(raw.hsts, f('hsts'), p) ?? true;
  if (c.target === 'swarm') p.add(FIELD, SWARM_REFUSAL);
  const checked =
    mode === 'files' && cert && key && domain && c.target !== 'swarm'
      ? checkTlsFiles(
          c.files ?? new Map(),
          { cert, key, names: [domain, ...hosts.map((h) => h.host)], now: c.now },
          (field, message) => p.add(f(field), message),
        )
      : undefined;
  if (p.list.length > count || domain === undefined || httpsPort === undefined) return { httpPort };
  return { tls: { mode, domain, hosts, httpsPort, hsts, ...(checked ?? {}) }, httpPort };
}
