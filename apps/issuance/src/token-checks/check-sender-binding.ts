import { ClientConfig } from '@app/config';
import { DpopProofs, InvalidRequest, OAuthRequest } from '@app/oauth';
import { SenderBinding } from '../grants/grant-handler';
import { certificateBinding } from './check-certificate-binding';
import { checkDpopProof } from './check-dpop-proof';

/** Said when a certificate-bound client also sends a DPoP proof. */
export const ONE_BINDING_ONLY =
  'a token is bound by one proof-of-possession mechanism: this client is bound to its TLS certificate, send no DPoP proof';

/**
 * What the token request proves possession of, for the grant to bind to. A client registered
 * with `tls_client_certificate_bound_access_tokens` binds to its certificate (RFC 8705 §3); any
 * other binds to the key of a DPoP proof it sends (RFC 9449 §5). One mechanism per token (its
 * `cnf` names one): a certificate-bound client sending a proof is `invalid_request`, decided
 * before the proof is verified so that its `jti` is not spent on a request that fails.
 */
export async function checkSenderBinding(
  proofs: DpopProofs,
  client: ClientConfig,
  req: OAuthRequest,
  tokenUrl: string,
): Promise<SenderBinding> {
  const certificate = certificateBinding(client, req);
  if (certificate !== undefined) {
    if (req.headers.dpop !== undefined) throw new InvalidRequest(ONE_BINDING_ONLY);
    return { confirmation: certificate };
  }
  const dpop = await checkDpopProof(proofs, client, req, tokenUrl);
  return dpop === undefined ? {} : { dpop, confirmation: { jkt: dpop.jkt } };
}
