// The requests that carry credentials: token endpoint requests (client authentication, DPoP
// proof, the server's nonce) and API calls, each shown as a step before it is sent.
import { $ } from './dom.js';
import { DpopKey } from './dpop.js';
import { showStep } from './http-step.js';
import { RFC } from './rfc.js';
import { FORM, form, local, state } from './state.js';

/** The browser's DPoP key, made on first use when DPoP is ticked. */
export async function dpopKey() {
  if (!$('dpop').checked) return undefined;
  state.dpop ??= await DpopKey.generate();
  $('dpop-key').textContent = state.dpop.thumbprint;
  return state.dpop;
}

const nonceFrom = (r) => {
  const nonce = r.res?.headers.get('dpop-nonce');
  if (nonce) state.dpopNonce = nonce;
  return nonce;
};

/**
 * A request authenticated as `client`: to the token endpoint, with a DPoP proof when DPoP is
 * ticked, or to `url` (revocation, introspection: no proof). A server that wants its nonce in
 * the proof (RFC 9449 §8) gets the same request again, shown as its own step, with a new proof
 * and new client credentials (an assertion is single-use, RFC 7523 §3).
 */
export async function tokenStep({ title, rfc, client, fields, secrets = [], url }) {
  const endpoint = url ?? state.config.endpoints.token;
  const key = url ? undefined : await dpopKey();
  const auth = await client.auth();
  const proof = key ? { DPoP: await key.proof('POST', endpoint, state.dpopNonce) } : {};
  const notes = [rfc, ...(client.key ? [RFC.privateKeyJwt] : []), ...(key ? [RFC.dpop] : [])];
  const r = await showStep({
    title,
    rfc: notes.flat(),
    request: {
      method: 'POST',
      url: local(endpoint),
      headers: { ...FORM, ...auth.headers, ...proof },
      body: form({ ...fields, ...auth.fields }),
      secrets: [...secrets, ...auth.secrets],
    },
  });
  const nonce = nonceFrom(r);
  if (key && r.json?.error === 'use_dpop_nonce' && nonce)
    return tokenStep({
      title: `${title} (with the server's nonce)`,
      rfc: RFC.dpopNonce,
      client,
      fields,
      secrets,
    });
  return r;
}

/**
 * "Call the API" with the access token: with the DPoP scheme and a proof of the key it is bound
 * to (RFC 9449 §7.1), or as a Bearer token (RFC 6750 §2.1), also a bound one to show its 401.
 */
export async function apiStep({ title, rfc, token, key, retried = false }) {
  const apiUrl = state.config.api_url;
  const proof = key ? await key.proof('GET', apiUrl, state.dpopNonce, token) : undefined;
  const r = await showStep({
    title,
    rfc,
    request: {
      method: 'GET',
      url: `${location.origin}${state.config.api}`,
      headers: key
        ? { Authorization: `DPoP ${token}`, DPoP: proof }
        : { Authorization: `Bearer ${token}` },
      secrets: [token],
    },
  });
  const nonce = nonceFrom(r);
  if (key && !retried && r.json?.error === 'use_dpop_nonce' && nonce)
    return apiStep({
      title: `${title} (with the server's nonce)`,
      rfc: RFC.dpopNonce,
      token,
      key,
      retried: true,
    });
  return r;
}
