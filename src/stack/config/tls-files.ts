// The user's certificate and key (proxy.tls.cert / key), checked from facts the
// loader read (load.ts): readable, PEM, the key matches the certificate, the
// certificate names every host and has not expired, and, where the proxy
// reads the files itself (compose), uid 10001 may read them. Pure: node's
// X509Certificate and createPrivateKey only parse. No content ever lands in a
// message, only the file's path as faaso.yml names it.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { PROXY_GID, PROXY_UID } from './tls-rules.ts';
import type { TlsFile } from '../types.ts';

/** What the loader found at a path: the text and its owner and mode, or the errno code. */
export type FileFact = { text: string; uid: number; gid: number; mode: number } | { error: string };

export interface TlsFileCheck {
  cert: string;
  key: string;
  /** Every name the certificate must cover: the domain and each per-route host. */
  names: readonly string[];
  /** ms since epoch; undefined skips the expiry check. */
  now?: number;
}

type Report = (field: 'cert' | 'key', message: string) => void;

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

function errorMessage(code: string): string {
  if (code === 'ENOENT') return 'no such file (a relative path starts at the folder of faaso.yml)';
  if (code === 'EISDIR') return 'is a folder: name the file itself';
  if (code === 'EACCES') return 'faaso cannot read it (permission denied)';
  if (code === 'EFBIG') return 'is larger than 1 MiB: not a PEM certificate or key';
  return `cannot be read (${code})`;
}

/** Whether uid PROXY_UID (group PROXY_GID) may read a file of this owner and mode. */
export function proxyCanRead(f: { uid: number; gid: number; mode: number }): boolean {
  return (
    (f.mode & 0o004) !== 0 ||
    (f.gid === PROXY_GID && (f.mode & 0o040) !== 0) ||
    (f.uid === PROXY_UID && (f.mode & 0o400) !== 0)
  );
}

function parseCert(text: string): X509Certificate | undefined {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    return new X509Certificate(text);
  } catch {
    return undefined;
  }
}

function parseKey(text: string, report: Report): KeyObject | undefined {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    report('key', 'is not a PEM private key (it must contain "-----BEGIN … PRIVATE KEY-----")');
    return undefined;
  }
  if (text.includes('ENCRYPTED')) {
    report(
      'key',
      'is encrypted: the proxy cannot ask for a passphrase; write an unencrypted copy (openssl pkey -in KEY -out KEY.plain) and keep it as private',
    );
    return undefined;
  }
  try {
    return createPrivateKey(text);
  } catch {
    report('key', 'is not a private key Caddy can read (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC)');
    return undefined;
  }
}

/** Checks both files; returns them (path + digest) when nothing was reported. */
export function checkTlsFiles(
  facts: ReadonlyMap<string, FileFact>,
  c: TlsFileCheck,
  report: Report,
): { cert: TlsFile; key: TlsFile } | undefined {
  let reported = 0;
  const counted: Report = (f, m) => {
    reported++;
    report(f, m);
  };
  const texts: Partial<Record<'cert' | 'key', string>> = {};
  for (const field of ['cert', 'key'] as const) {
    const path = c[field];
    const fact = facts.get(path);
    if (fact === undefined) counted(field, 'was not read (a bug: the loader reads every file faaso.yml names)');
    else if ('error' in fact) counted(field, errorMessage(fact.error));
    else {
      texts[field] = fact.text;
      if (!proxyCanRead(fact))
        counted(
          field,
          `the proxy runs as uid ${PROXY_UID} and cannot read it (owner ${fact.uid}:${fact.gid}, mode ${(fact.mode & 0o777).toString(8).padStart(4, '0')}): let its group read it, e.g. chgrp ${PROXY_GID} ${path} && chmod 640 ${path}`,
        );
    }
  }
  if (texts.cert === undefined || texts.key === undefined) return undefined;
  const cert = parseCert(texts.cert);
  if (!cert) counted('cert', 'is not a PEM certificate (it must contain "-----BEGIN CERTIFICATE-----")');
  const key = parseKey(texts.key, counted);
  if (cert && key && !cert.checkPrivateKey(key))
    counted('key', `does not belong to the certificate ${c.cert} (they come from different key pairs)`);
  if (cert) {
    const missing = c.names.filter((n) => cert.checkHost(n) === undefined);
    if (missing.length > 0)
      counted(
        'cert',
        `does not cover ${missing.join(', ')} (it names ${cert.subjectAltName ?? cert.subject.replace(/\n/g, ', ')})`,
      );
    if (c.now !== undefined && Date.parse(cert.validTo) < c.now)
      counted('cert', `expired on ${new Date(Date.parse(cert.validTo)).toISOString().slice(0, 10)}: renew it`);
  }
  if (reported > 0) return undefined;
  return { cert: { path: c.cert, digest: digest(texts.cert) }, key: { path: c.key, digest: digest(texts.key) } };
}
