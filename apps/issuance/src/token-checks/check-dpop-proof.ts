import { ClientConfig } from '@app/config';
import { DpopProofs, InvalidDpopProof, OAuthRequest } from '@app/oauth';
import { VerifiedDpopProof } from '@app/tokens';

/** Said when a dpop_bound_access_tokens client sends no proof. */
export const DPOP_PROOF_REQUIRED = 'the client must send a DPoP proof (dpop_bound_access_tokens)';

/**
 * RFC 9449 §5: a token request with a `DPoP` header has its proof checked (§4.3) against this
 * endpoint: `htm` POST, `htu` the token endpoint's public URL from the configuration (never a URL
 * rebuilt from Host or X-Forwarded-* headers, which the client controls), no access token. A
 * valid proof binds what the grant issues to its key. A client registered with
 * `dpop_bound_access_tokens` (§5.2) must send one. Without a header, a bearer request: undefined.
 */
export async function checkDpopProof(
  proofs: DpopProofs,
  client: ClientConfig,
  req: OAuthRequest,
  tokenUrl: string,
): Promise<VerifiedDpopProof | undefined> {
  const proof = req.headers.dpop;
  if (proof === undefined) {
    if (client.dpopBoundAccessTokens === true) throw new InvalidDpopProof(DPOP_PROOF_REQUIRED);
    return undefined;
  }
  return proofs.verify({ proof, method: req.method, url: tokenUrl });
}
