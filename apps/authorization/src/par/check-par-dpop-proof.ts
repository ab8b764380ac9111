import { DpopProofs, InvalidDpopProof, OAuthRequest } from '@app/oauth';
import { PendingAuthorizationRequest } from '@app/store';

export const DPOP_JKT_MISMATCH = 'the DPoP proof key does not match the dpop_jkt parameter';

/**
 * RFC 9449 §10.1: a DPoP proof sent with the pushed request (checked against the PAR endpoint's
 * public URL and POST, as at the token endpoint) binds the code to its key, as `dpop_jkt` does;
 * with both, they must name the same key. Without a proof, the request is as validated.
 */
export async function checkParDpopProof(
  proofs: DpopProofs,
  req: OAuthRequest,
  parUrl: string,
  request: PendingAuthorizationRequest,
): Promise<PendingAuthorizationRequest> {
  const proof = req.headers.dpop;
  if (proof === undefined) return request;
  const { jkt } = await proofs.verify({ proof, method: req.method, url: parUrl });
  if (request.dpopJkt !== undefined && request.dpopJkt !== jkt)
    throw new InvalidDpopProof(DPOP_JKT_MISMATCH);
  return { ...{}, ...request, dpopJkt: jkt };
}
