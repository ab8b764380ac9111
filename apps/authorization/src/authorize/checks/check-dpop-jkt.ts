import { FormParams, InvalidRequest } from '@app/oauth';
import { bounded } from './parameter';

/** RFC 7638 SHA-256 thumbprint, base64url without padding: always 43 characters. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/**
 * RFC 9449 §10 `dpop_jkt`: the thumbprint of the DPoP key the client will redeem the code with.
 * Kept with the request and the code; the token endpoint then refuses a redemption whose proof
 * is of another key, so a code stolen on its way back cannot be redeemed by the thief's key.
 * Anything but a SHA-256 thumbprint is refused (node-oidc-provider's check_dpop_jkt).
 */
export function checkDpopJkt(params: FormParams): { readonly dpopJkt?: string } {
  const dpopJkt = bounded(params, 'dpop_jkt');
  if (dpopJkt === undefined) return {};
  if (!JKT.test(dpopJkt))
    throw new InvalidRequest('the dpop_jkt must be a base64url SHA-256 JWK thumbprint');
  return { dpopJkt };
}
