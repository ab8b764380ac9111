/** RFC 9440 §2.1: the header a TLS-terminating proxy puts the client's certificate in. */
export const CLIENT_CERT_HEADER = 'client-cert';

/** RFC 8941 §3.3.5 Byte Sequence: base64 (RFC 4648 §4, padded) between colons. */
const BYTE_SEQUENCE = /^:((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?):$/;

/**
 * The DER certificate of a `Client-Cert` header (RFC 9440 §2.2), or null when the header is not
 * exactly one Byte Sequence (repeated, empty, or not base64): a proxy that sends that is
 * misconfigured, and the request is treated as carrying no certificate.
 */
export function parseClientCertHeader(value: string | string[]): Buffer | null {
  if (Array.isArray(value)) return null;
  const m = BYTE_SEQUENCE.exec(value.trim());
  if (!m || m[1] === '') return null;
  return Buffer.from(m[1]!, 'base64');
}
