// The clients the page authenticates as; `auth()` makes the credentials of one request (a
// private_key_jwt assertion is single-use, so each request, retries included, gets its own).
import { $ } from './dom.js';
import { assertionFields } from './client-assertion.js';
import { importPrivateKey } from './private-key-import.js';

/** A problem the user fixes in a form field, which gets the focus. */
export class MissingInput extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

/** RFC 6749 §2.1-2.2: a public client only names itself. */
export const publicClient = (id) => ({
  id,
  auth: async () => ({ headers: {}, fields: { client_id: id }, secrets: [] }),
});

/** RFC 6749 §2.3.1: id and secret each form-urlencoded, then HTTP Basic. */
export function secretClient(id, secret) {
  const basic = btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`);
  return {
    id,
    auth: async () => ({
      headers: { Authorization: `Basic ${basic}` },
      fields: {},
      secrets: [secret, basic],
    }),
  };
}

/** RFC 7523 §2.2: a fresh assertion per request, signed in the browser with `key`. */
export const keyClient = (id, key, issuer) => ({
  id,
  key,
  auth: async () => ({ headers: {}, ...(await assertionFields({ id, key }, issuer)) }),
});

/** The pasted key, once imported (the text is cleared from the form then). */
let imported;

/** "Use your own client": a secret or a private key, as the radio buttons say. */
export async function ownClient(issuer) {
  const id = $('own-client-id').value.trim();
  if (!id)
    throw new MissingInput('Enter a client id under "Use your own client" first.', 'own-client-id');
  if ($('own-auth-secret').checked) {
    const secret = $('own-client-secret').value;
    if (!secret) throw new MissingInput('Enter the client secret first.', 'own-client-secret');
    return secretClient(id, secret);
  }
  const text = $('own-client-key').value;
  if (text.trim()) {
    imported = await importPrivateKey(text, '');
    $('own-client-key').value = '';
  }
  if (!imported) throw new MissingInput('Paste the private key first.', 'own-client-key');
  const kid = $('own-client-kid').value.trim() || imported.kid;
  $('own-key-status').textContent = `${imported.alg}, ${kid ? `kid ${kid}` : 'no kid'}`;
  return keyClient(id, { ...imported, kid }, issuer);
}
