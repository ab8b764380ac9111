import { isIP } from 'node:net';
import { ConfigError } from './config.error';
import {
  ClientAuthMethod,
  ClientConfig,
  TLS_CLIENT_AUTH_NAMES,
  TlsClientAuthField,
  TlsClientAuthName,
} from './config.types';
import { canonicalDistinguishedName, parseDistinguishedName } from './distinguished-name';
import { flag, Json, nonEmptyString } from './json-fields';

/**
 * A client's RFC 8705 registration (§2.1.2 and §3.4): the certificate name of a
 * `tls_client_auth` client, exactly one, and whether its tokens are bound to its certificate.
 */
export function parseTlsClientSettings(
  c: Json,
  path: string,
  authMethod: ClientAuthMethod,
): Pick<ClientConfig, 'tlsClientAuth' | 'tlsClientCertificateBoundAccessTokens'> {
  const given = TLS_CLIENT_AUTH_NAMES.filter((f) => c[f] !== undefined);
  const bound = flag(
    c.tls_client_certificate_bound_access_tokens,
    `${path}.tls_client_certificate_bound_access_tokens`,
  );
  if (authMethod !== 'tls_client_auth') {
    if (given.length > 0)
      throw new ConfigError(
        `${path}.${given[0]}`,
        'is for clients with token_endpoint_auth_method "tls_client_auth"',
      );
    return { tlsClientCertificateBoundAccessTokens: bound };
  }
  // RFC 8705 §2.1.2: "exactly one of these" names the certificate.
  if (given.length !== 1)
    throw new ConfigError(
      path,
      `tls_client_auth needs exactly one of ${TLS_CLIENT_AUTH_NAMES.join(', ')}`,
    );
  const field = given[0]!;
  return {
    tlsClientAuth: tlsClientAuthName(field, c[field], `${path}.${field}`),
    tlsClientCertificateBoundAccessTokens: bound,
  };
}

function tlsClientAuthName(field: TlsClientAuthField, v: unknown, path: string): TlsClientAuthName {
  const s = nonEmptyString(v, path);
  switch (field) {
    case 'tls_client_auth_subject_dn': {
      const rdns = parseDistinguishedName(s);
      if (!rdns) throw new ConfigError(path, 'must be an RFC 4514 distinguished name');
      return { field, value: canonicalDistinguishedName(rdns) };
    }
    case 'tls_client_auth_san_dns':
      if (!/^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s))
        throw new ConfigError(path, 'must be a DNS name');
      // RFC 4343: DNS names compare without regard to case.
      return { field, value: s.toLowerCase() };
    case 'tls_client_auth_san_ip': {
      const value = ipBytes(s);
      if (value === null) throw new ConfigError(path, 'must be an IPv4 or IPv6 address');
      return { field, value };
    }
    case 'tls_client_auth_san_uri':
      if (!URL.canParse(s)) throw new ConfigError(path, 'must be an absolute URI');
      return { field, value: s };
    case 'tls_client_auth_san_email':
      if (!/^[^@\s]+@[^@\s]+$/.test(s)) throw new ConfigError(path, 'must be an email address');
      return { field, value: s };
  }
}

/**
 * An IP address as 32 hex digits (IPv4 mapped into IPv6), so that `::1` and `0:0:0:0:0:0:0:1`
 * (how Node prints a certificate's IPv6 SAN) compare equal; null when it is not one.
 */
export function ipBytes(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return '00000000000000000000ffff' + address.split('.').map(hexByte).join('');
  if (family !== 6) return null;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number);
    text =
      text.slice(0, v4.index) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => g.padStart(4, '0').toLowerCase()).join('');
}

const hexByte = (n: string) => Number(n).toString(16).padStart(2, '0');
