import { setTimeout as sleep } from 'node:timers/promises';
import { BearerError, TokenValidator, ValidatedToken } from '@app/resource-server';

/** What `validate` made of a bearer token: its claims, or the RFC 6750 error it threw. */
export type RsOutcome =
  | { readonly ok: true; readonly token: ValidatedToken }
  | { readonly ok: false; readonly error: BearerError };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function rsOutcome(validator: TokenValidator, token: string): Promise<RsOutcome> {
  try {
    return { ok: true, token: await validator.validate(bearer(token)) };
  } catch (e) {
    if (e instanceof BearerError) return { ok: false, error: e };
    throw e;
  }
}

/** The error `validate` threw; fails the test when the token was accepted. */
export async function rsRefusal(validator: TokenValidator, token: string): Promise<BearerError> {
  const outcome = await rsOutcome(validator, token);
  if (outcome.ok)
    throw new Error(`expected the token to be refused; accepted for ${outcome.token.clientId}`);
  return outcome.error;
}

/**
 * Validates again and again until `done` accepts the outcome, or fails once `withinMs` has
 * passed. Returns the accepted outcome and how long it took.
 */
export async function rsOutcomeWithin(
  validator: TokenValidator,
  token: string,
  done: (o: RsOutcome) => boolean,
  withinMs: number,
  what: string,
): Promise<{ outcome: RsOutcome; afterMs: number }> {
  const started = Date.now();
  for (;;) {
    const outcome = await rsOutcome(validator, token);
    const afterMs = Date.now() - started;
    if (done(outcome)) return { outcome, afterMs };
    if (afterMs > withinMs) {
      const seen = outcome.ok ? 'accepted' : `${outcome.error.name} ${outcome.error.status}`;
      throw new Error(`${what} not seen within ${withinMs} ms (last: ${seen})`);
    }
    await sleep(5);
  }
}

export const isRefusedWith =
  (status: number) =>
  (o: RsOutcome): boolean =>
    !o.ok && o.error.status === status;

export const isAccepted = (o: RsOutcome): boolean => o.ok;
