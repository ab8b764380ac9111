import { el } from './dom.js';
import { base64UrlDecode } from './pkce.js';
import { CLAIMS, HEADERS } from './rfc.js';

const decoder = new TextDecoder();

/** WebCrypto parameters per JWS alg (RFC 7518 §3); anything else is not verified. */
const ALGS = {
  ES256: {
    import: { name: 'ECDSA', namedCurve: 'P-256' },
    verify: { name: 'ECDSA', hash: 'SHA-256' },
  },
  ES384: {
    import: { name: 'ECDSA', namedCurve: 'P-384' },
    verify: { name: 'ECDSA', hash: 'SHA-384' },
  },
  RS256: {
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    verify: { name: 'RSASSA-PKCS1-v1_5' },
  },
  PS256: {
    import: { name: 'RSA-PSS', hash: 'SHA-256' },
    verify: { name: 'RSA-PSS', saltLength: 32 },
  },
  EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

export function decodeJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [h, p] = parts.slice(0, 2).map((x) => JSON.parse(decoder.decode(base64UrlDecode(x))));
    return { header: h, claims: p, parts };
  } catch {
    return undefined;
  }
}

/** Verifies the JWS signature (RFC 7515 §5.2) against the issuer's JWKS, in the browser. */
export async function verifyJwt(jwt, jwksUrl) {
  const alg = ALGS[jwt.header.alg];
  if (!alg) return { ok: false, reason: `alg ${jwt.header.alg} is not one this page verifies` };
  const res = await fetch(jwksUrl, { cache: 'no-store', credentials: 'omit' });
  const { keys } = await res.json();
  const jwk = keys.find((k) => k.kid === jwt.header.kid);
  if (!jwk) return { ok: false, reason: `no key ${jwt.header.kid} in the JWKS` };
  const key = await crypto.subtle.importKey('jwk', jwk, alg.import, false, ['verify']);
  const signed = new TextEncoder().encode(`${jwt.parts[0]}.${jwt.parts[1]}`);
  const ok = await crypto.subtle.verify(alg.verify, key, base64UrlDecode(jwt.parts[2]), signed);
  return { ok, reason: ok ? `signature valid, key ${jwk.kid}` : 'signature does NOT verify' };
}

function rows(object, notes) {
  return el(
    'table',
    {},
    el(
      'tbody',
      {},
      Object.entries(object).map(([k, v]) =>
        el(
          'tr',
          { 'data-claim': k },
          el('th', { scope: 'row' }, el('code', { text: k })),
          el(
            'td',
            {},
            el('code', { text: JSON.stringify(v) }),
            el('div', { class: 'hint', text: notes[k] ?? '' }),
          ),
        ),
      ),
    ),
  );
}

function countdown(exp) {
  const node = el('span', { class: 'countdown' });
  const tick = () => {
    const left = exp - Math.floor(Date.now() / 1000);
    node.textContent =
      left > 0
        ? `expires in ${Math.floor(left / 60)}m ${String(left % 60).padStart(2, '0')}s`
        : 'expired';
    if (left > 0 && node.isConnected !== false) setTimeout(tick, 1000);
  };
  tick();
  return node;
}

/** RFC 9449 §6.1: `cnf.jkt` is the thumbprint of the DPoP key the token is bound to. */
function confirmation(cnf, dpopJkt) {
  const text = cnf.jkt
    ? `DPoP-bound (RFC 9449 §6.1): cnf.jkt ${cnf.jkt}, ${
        cnf.jkt === dpopJkt
          ? "the thumbprint of this page's DPoP key: only a proof signed by it makes the token usable"
          : 'the thumbprint of a key this page does not hold'
      }.`
    : `Bound to a key: cnf ${JSON.stringify(cnf)}`;
  return el('p', { class: 'hint binding', text });
}

/**
 * RFC 8693 §4.1: `act` names the party acting for the subject; an `act` inside it is who acted
 * before (a chain), informational only: the outermost one is the actor now.
 */
function actors(act, sub) {
  const chain = [];
  for (let a = act; a && typeof a === 'object'; a = a.act) chain.push(a);
  return el(
    'div',
    { class: 'hint actors' },
    el('p', {
      text: `Delegation (RFC 8693 §4.1): the subject is ${sub ?? 'unnamed'}; act names who acts for it.`,
    }),
    el(
      'ol',
      {},
      chain.map((a, i) =>
        el(
          'li',
          { 'data-actor': String(i) },
          el('code', { text: `${'act.'.repeat(i + 1)}sub = ${a.sub}` }),
          i === 0
            ? ': the party acting now, for the subject'
            : ': acted before the one above it, an earlier link of the chain',
          a.client_id ? `, through its client ${a.client_id}` : '',
          '.',
        ),
      ),
    ),
  );
}

/** RFC 8693 §2.2.1: what an exchange says it issued. */
const issued = (type) =>
  el('p', {
    class: 'hint issued-type',
    text: `issued_token_type ${type}: what the exchange issued (RFC 8693 §2.2.1, §3).`,
  });

/**
 * One token, decoded and verified (a JWT) or shown as opaque with its introspection answer. Built
 * whole once the signature is checked, so nothing in it moves when the verdict arrives.
 */
export async function tokenView(kind, token, jwksUrl, { introspection, dpopJkt, issuedType } = {}) {
  const jwt = decodeJwt(token);
  const box = el('div', { class: 'token', 'data-token': kind });
  box.append(el('h3', { text: kind }));
  if (issuedType) box.append(issued(issuedType));
  if (!jwt) {
    box.append(
      el('p', {
        class: 'hint',
        text: 'Opaque: a random reference only the server can look up (introspection, RFC 7662).',
      }),
      el('pre', { text: `${token.slice(0, 6)}…  (${token.length} characters)` }),
    );
    if (introspection) {
      if (introspection.act) box.append(actors(introspection.act, introspection.sub));
      box.append(
        el('h4', { text: 'Introspection answer' }),
        el('div', { class: 'introspection' }, rows(introspection, CLAIMS)),
      );
    }
    return box;
  }
  const v = await verifyJwt(jwt, jwksUrl).catch((e) => ({
    ok: false,
    reason: `could not verify: ${e.message}`,
  }));
  box.append(el('p', { class: `verdict ${v.ok ? 'status-ok' : 'status-bad'}`, text: v.reason }));
  if (typeof jwt.claims.exp === 'number') box.append(el('p', {}, countdown(jwt.claims.exp)));
  if (jwt.claims.cnf) box.append(confirmation(jwt.claims.cnf, dpopJkt));
  if (jwt.claims.act) box.append(actors(jwt.claims.act, jwt.claims.sub));
  box.append(
    el('h4', { text: 'Header' }),
    rows(jwt.header, HEADERS),
    el('h4', { text: 'Claims' }),
    rows(jwt.claims, CLAIMS),
  );
  return box;
}
