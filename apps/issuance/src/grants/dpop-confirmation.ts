import { Confirmation, VerifiedDpopProof } from '@app/tokens';

/** RFC 9449 §6: with a verified proof, the access token is bound to its key (`cnf.jkt`). */
export function dpopConfirmation(dpop: VerifiedDpopProof | undefined): {
  readonly confirmation?: Confirmation;
} {
  return dpop === undefined ? {} : { confirmation: { jkt: dpop.jkt } };
}
