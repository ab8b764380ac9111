/**
 * Distinguished names as RFC 4514 strings (`CN=svc,O=Example\, Inc.,C=DE`): how a client
 * registers `tls_client_auth_subject_dn` (RFC 8705 §2.1.2). Both the registered name and the
 * certificate's subject are reduced to one canonical form, so that spacing around separators and
 * the case of attribute types do not matter while every value must match exactly.
 */

/** One attribute of a relative distinguished name: its type in upper case and its value. */
export type Ava = readonly [type: string, value: string];
/** A relative distinguished name: one or more attributes (RFC 4514 §2.2, `+`-joined). */
export type Rdn = readonly Ava[];

const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

/**
 * The RDNs of an RFC 4514 string, most specific first as written; null when it is not one (an
 * empty name, an attribute without `=`, a dangling escape, or a `#` hex-encoded value, which
 * this server does not compare).
 */
export function parseDistinguishedName(dn: string): Rdn[] | null {
  const rdns = splitUnescaped(dn, ',');
  if (rdns === null || dn.trim() === '') return null;
  const parsed: Rdn[] = [];
  for (const rdn of rdns) {
    const avas = splitUnescaped(rdn, '+');
    if (avas === null) return null;
    const rdnAvas: Ava[] = [];
    for (const ava of avas) {
      const parsedAva = parseAva(ava);
      if (parsedAva === null) return null;
      rdnAvas.push(parsedAva);
    }
    parsed.push(rdnAvas);
  }
  return parsed;
}

/** One string per name, equal exactly when the names are (RFC 4514 order, types in upper case). */
export function canonicalDistinguishedName(rdns: readonly Rdn[]): string {
  return JSON.stringify(rdns.map((rdn) => [...rdn].sort(([a], [b]) => (a < b ? -1 : 1))));
}

function parseAva(ava: string): Ava | null {
  const eq = ava.indexOf('=');
  if (eq <= 0) return null;
  const type = ava.slice(0, eq).trim();
  const raw = ava.slice(eq + 1).trim();
  if (!TYPE.test(type) || raw.startsWith('#')) return null;
  const value = unescapeValue(raw);
  return value === null || value === '' ? null : [type.toUpperCase(), value];
}

/** Splits on `sep` where it is not escaped by a backslash; null on a dangling backslash. */
function splitUnescaped(s: string, sep: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      if (i + 1 >= s.length) return null;
      current += ch + s[i + 1]!;
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** RFC 4514 §3: `\` before a special character, or two hex digits of a UTF-8 byte. */
function unescapeValue(v: string): string | null {
  // Code points, not UTF-16 units: a character outside the BMP is one character here.
  const chars = Array.from(v);
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const hex = (chars[i + 1] ?? '') + (chars[i + 2] ?? '');
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (i + 1 < chars.length) {
      bytes.push(...Buffer.from(chars[i + 1]!, 'utf8'));
      i++;
    } else return null;
  }
  return Buffer.from(bytes).toString('utf8');
}
