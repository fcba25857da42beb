// The internal CA's root certificate as `tls.mjs ca` hands it out (pure):
// parsed, checked to be a CA certificate, and re-encoded from the parsed
// certificate alone, so nothing else that was read (a key above all) can ever
// reach the output.
import { X509Certificate } from 'node:crypto';

export interface RootCertificate {
  /** The one certificate, PEM. */
  pem: string;
  subject: string;
  /** SHA-256 fingerprint as browsers and `openssl x509 -fingerprint -sha256` print it. */
  fingerprint: string;
  validTo: string;
}

/** The root certificate in `text`, or an error message saying what was found instead. */
export function rootCertificate(text: string): RootCertificate | { error: string } {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return { error: 'no PEM certificate in what the proxy returned' };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(text);
  } catch (err) {
    return { error: `not a certificate: ${(err as Error).message}` };
  }
  if (!cert.ca) return { error: `${cert.subject.replace(/\n/g, ', ')} is not a CA certificate` };
  return {
    pem: cert.toString(),
    subject: cert.subject.replace(/\n/g, ', '),
    fingerprint: cert.fingerprint256,
    validTo: new Date(Date.parse(cert.validTo)).toISOString().slice(0, 10),
  };
}
