import { InvalidClient, InvalidRequest } from '../errors';
import { OAuthRequest } from '../http/oauth-request';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The credentials a request presents, before anything is checked. */
export type PresentedCredentials =
  | { readonly method: 'client_secret_basic'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'client_secret_post'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'private_key_jwt'; readonly clientId?: string; readonly assertion: string };

/** RFC 6749 §2.3: exactly one authentication method per request. */
export function extractCredentials(
  req: Pick<OAuthRequest, 'form' | 'authorization'>,
): PresentedCredentials {
  const basic = req.authorization?.match(/^Basic +(\S+)\s*$/i)?.[1];
  const triedBasic = req.authorization !== undefined && /^Basic\b/i.test(req.authorization);
  const form = req.form;
  const used = [triedBasic, form.has('client_secret'), form.has('client_assertion')].filter(
    Boolean,
  ).length;
  if (used > 1) throw new InvalidRequest('use exactly one client authentication method');
  if (triedBasic) return fromBasic(basic, form.get('client_id'));
  if (form.has('client_assertion')) {
    if (form.get('client_assertion_type') !== JWT_BEARER_ASSERTION)
      throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    return {
      method: 'private_key_jwt',
      clientId: form.get('client_id'),
      assertion: form.require('client_assertion'),
    };
  }
  if (form.has('client_secret'))
    return {
      method: 'client_secret_post',
      clientId: form.require('client_id'),
      secret: form.require('client_secret'),
    };
  throw new InvalidClient('client authentication is required');
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and encoded. */
function fromBasic(encoded: string | undefined, formClientId: string | undefined) {
  const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new InvalidClient('malformed HTTP Basic credentials', true);
  let clientId: string;
  let secret: string;
  try {
    clientId = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    throw new InvalidClient('malformed HTTP Basic credentials', true);
  }
  if (formClientId !== undefined && formClientId !== clientId)
    throw new InvalidClient('client_id does not match the authenticated client', true);
  return { method: 'client_secret_basic' as const, clientId, secret };
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}
