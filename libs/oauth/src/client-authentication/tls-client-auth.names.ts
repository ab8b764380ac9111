import type { X509Certificate } from 'node:crypto';
import {
  canonicalDistinguishedName,
  ipBytes,
  parseDistinguishedName,
  Rdn,
  TlsClientAuthName,
} from '@app/config';

/** subjectAltName entry prefixes, as Node's X509Certificate prints them. */
const SAN_PREFIX = {
  tls_client_auth_san_dns: 'DNS',
  tls_client_auth_san_uri: 'URI',
  tls_client_auth_san_ip: 'IP Address',
  tls_client_auth_san_email: 'email',
} as const;

/**
 * RFC 8705 §2.1.2: whether the certificate carries the one name the client registered: its
 * subject DN, or a subjectAltName entry of the registered kind. Exact comparison, no wildcard
 * expansion: a certificate for `*.example.com` matches only a registration of `*.example.com`.
 */
export function certificateHasName(cert: X509Certificate, name: TlsClientAuthName): boolean {
  if (name.field === 'tls_client_auth_subject_dn') {
    const rdns = subjectRdns(cert.subject);
    return rdns !== null && canonicalDistinguishedName(rdns) === name.value;
  }
  const prefix = SAN_PREFIX[name.field];
  return subjectAltNames(cert.subjectAltName).some(([kind, value]) => {
    if (kind !== prefix) return false;
    if (name.field === 'tls_client_auth_san_dns') return value.toLowerCase() === name.value;
    if (name.field === 'tls_client_auth_san_ip') return ipBytes(value) === name.value;
    return value === name.value;
  });
}

/**
 * Node prints a subject one RDN per line, least specific first, attributes of one RDN joined by
 * ` + `, values escaped as RFC 2253 has it: read it back in RFC 4514 order.
 */
export function subjectRdns(subject: string | undefined): Rdn[] | null {
  if (!subject) return null;
  const lines = subject.split('\n').reverse();
  return parseDistinguishedName(lines.map((l) => l.replace(/(?<!\\) \+ /g, '+')).join(','));
}

/**
 * The entries of Node's subjectAltName string (`DNS:a, IP Address:10.0.0.1, URI:…`). Since
 * Node 17.3.1 (CVE-2021-44532) a value that could be mistaken for a separator is printed as a
 * JSON string, so `, ` inside a quoted value does not split it.
 */
export function subjectAltNames(san: string | undefined): [kind: string, value: string][] {
  if (!san) return [];
  const entries: [string, string][] = [];
  const entry = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/gy;
  let m: RegExpExecArray | null;
  while (entry.lastIndex < san.length && (m = entry.exec(san)) !== null) {
    const raw = m[2]!;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        return entries;
      }
    }
    entries.push([m[1]!, value]);
  }
  return entries;
}
