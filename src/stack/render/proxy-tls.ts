// What the proxy container needs for proxy.tls, whichever target renders it:
// the HTTPS port, where Caddy keeps certificates (a named volume: the
// internal CA's keys and ACME accounts must outlive the container, and the
// root is read-only), and the user's certificate files (mounted read-only). Pure; no file's content is ever copied into the output.
import path from 'node:path';
import { TLS_CERT_IN_CONTAINER, TLS_KEY_IN_CONTAINER } from '../config/tls-rules.ts';
import type { StackPlan, TlsConfig } from '../types.ts';
import { PROXY_LISTEN_PORT } from './caddyfile.ts';
import { PROXY_HTTPS_LISTEN_PORT } from './caddyfile-tls.ts';

/** The compose volume holding Caddy's certificates, ACME account and internal CA: `docker compose down` keeps it. */
export const PROXY_DATA_VOLUME = 'proxy-data';
/** Caddy's XDG_DATA_HOME in the proxy with TLS (images/caddy/Dockerfile creates it for uid 10001). */
export const PROXY_DATA_DIR = '/data';
/** The internal CA's root certificate in that volume (its key beside it never leaves). */
export const INTERNAL_ROOT_CERT = `${PROXY_DATA_DIR}/caddy/pki/authorities/local/root.crt`;

/** Caddy issues (acme) or signs (internal) the certificates itself, and must keep them. */
export const keepsCertificates = (tls: TlsConfig | undefined): tls is TlsConfig =>
  tls !== undefined && tls.mode !== 'files';

/** A file faaso.yml names relative to the project, as compose/ (the generated files' folder) reaches it. */
export const fromComposeDir = (p: string): string => (path.isAbsolute(p) ? p : path.posix.join('..', p));

/** [host port, container port] of the proxy: HTTP, then HTTPS with TLS. */
export function proxyPorts(plan: StackPlan): [number, number][] {
  const ports: [number, number][] = [[plan.proxy.port, PROXY_LISTEN_PORT]];
  if (plan.proxy.tls) ports.push([plan.proxy.tls.httpsPort, PROXY_HTTPS_LISTEN_PORT]);
  return ports;
}

/** The user's files and where the proxy reads them. */
export function tlsFiles(tls: TlsConfig | undefined): { source: string; target: string; role: 'cert' | 'key' }[] {
  if (!tls?.cert || !tls.key) return [];
  return [
    { source: tls.cert.path, target: TLS_CERT_IN_CONTAINER, role: 'cert' },
    { source: tls.key.path, target: TLS_KEY_IN_CONTAINER, role: 'key' },
  ];
}

/** The proxy's compose volumes besides its Caddyfiles: the data volume, or the user's files read-only. */
export function tlsVolumes(tls: TlsConfig | undefined): string[] {
  if (keepsCertificates(tls)) return [`${PROXY_DATA_VOLUME}:${PROXY_DATA_DIR}`];
  return tlsFiles(tls).map((f) => `${fromComposeDir(f.source)}:${f.target}:ro`);
}

/** `docker run -v` for checking the Caddyfile in a throwaway proxy: Caddy loads the user's files to validate. */
export function tlsCheckMounts(tls: TlsConfig | undefined, root: string): string[] {
  return tlsFiles(tls).flatMap((f) => ['-v', `${path.resolve(root, f.source)}:${f.target}:ro`]);
}
