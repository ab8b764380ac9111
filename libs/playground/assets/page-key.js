// The key pair the playground's private_key_jwt clients sign with: made here on first use (the
// private key cannot be exported), its public half published to this page's session once.
import { $ } from './dom.js';
import { showStep } from './http-step.js';
import { generateEs256 } from './jws.js';
import { RFC } from './rfc.js';
import { FORM, form, state } from './state.js';

/** The page's signing key with its published kid, or undefined when publishing failed. */
export async function pageKey(events) {
  if (state.clientKey) return state.clientKey;
  const made = await generateEs256();
  const r = await showStep({
    title: "Publish this page's public key",
    rfc: RFC.publishKey,
    request: {
      method: 'POST',
      url: `${location.origin}/playground/api/sessions/${events.session}/keys`,
      headers: FORM,
      body: form({ jwk: JSON.stringify(made.publicJwk) }),
      secrets: [events.session],
    },
  });
  if (!r.res?.ok) return undefined;
  state.clientKey = { privateKey: made.privateKey, alg: 'ES256', kid: r.json.kid };
  $('key-client-kid').textContent = r.json.kid;
  return state.clientKey;
}
