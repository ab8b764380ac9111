import { ASSERTION_ALGS } from '../client-assertion.verifier';

/**
 * The JWS algorithms a DPoP proof may be signed with: the asymmetric list the platform accepts
 * for client assertions. RFC 9449 §4.3 step 5: never `none`, never a MAC (the server would need
 * the client's secret, and the proof must show possession of a private key). Ready to be
 * advertised as `dpop_signing_alg_values_supported` (RFC 9449 §5.1) once the token endpoint binds
 * tokens.
 */
export const DPOP_SIGNING_ALGS = ASSERTION_ALGS;
export type DpopSigningAlg = (typeof DPOP_SIGNING_ALGS)[number];
