import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { ClientRegistry, SecretCheckBusy } from '@app/registry';
import {
  AUTH_FAILURE_THROTTLE,
  AuthAttempt,
  AuthFailureThrottle,
  RedisKeys,
  REPLAY_STORE,
  ReplayStore,
} from '@app/store';
import { AssertionRejected, assertionSubject, ClientAssertionVerifier } from '@app/tokens';
import { InvalidClient, TemporarilyUnavailable, TooManyFailedAuthentications } from '../errors';
import { OAuthRequest } from '../http/oauth-request';
import { extractCredentials, PresentedCredentials } from './client-credentials.extractor';

/**
 * Authenticates the client of a token, introspection or revocation request (RFC 6749 §2.3,
 * RFC 7523 §3). Every failure is `invalid_client` with the same description and the same cost
 * (an unknown client is checked against a dummy hash), so a caller cannot tell an unknown
 * client from a wrong secret. Failures are counted per client id and per source address across
 * replicas; past the limit the request is refused with 429 before any secret is checked, so a
 * flood of wrong secrets cannot fill the thread pool with scrypt.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly assertions: ClientAssertionVerifier,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
    @Inject(AUTH_FAILURE_THROTTLE) private readonly throttle: AuthFailureThrottle,
  ) {}

  /** `audiences`: the values an assertion's `aud` may hold (the issuer and this endpoint). */
  async authenticate(req: OAuthRequest, audiences: readonly string[]): Promise<ClientConfig> {
    const presented = extractCredentials(req);
    const clientId =
      presented.method === 'private_key_jwt'
        ? (presented.clientId ?? assertionSubject(presented.assertion))
        : presented.clientId;
    const client = clientId === undefined ? undefined : this.registry.client(clientId);
    // A secret recognised without scrypt (a hashed one this replica verified before, or a
    // plain development one) costs one HMAC or digest, so it passes even while its id or
    // address is throttled: failures sent in a client's name must not lock the client out, and
    // the successful path never waits for the shared counters. (A replica that has not verified
    // a hashed secret yet throttles it too.) That a throttled caller may still succeed with the
    // right secret is no help in guessing a high-entropy secret (RFC 6819 §5.1.4.2.2); what the
    // throttle must bound is the scrypt work, and while throttled a wrong guess costs none.
    if (client && this.recognised(client, presented)) return client;
    const attempt: AuthAttempt = { clientId, address: req.sourceAddress };
    const wait = await this.throttle.retryAfter(attempt);
    if (wait > 0) throw new TooManyFailedAuthentications(wait);
    if ((await this.verifyOrBusy(client, presented, audiences)) && client) return client;
    await this.throttle.recordFailure(attempt);
    const triedBasic = presented.method === 'client_secret_basic';
    throw new InvalidClient('client authentication failed', triedBasic);
  }

  private recognised(client: ClientConfig, presented: PresentedCredentials): boolean {
    return (
      presented.method !== 'private_key_jwt' &&
      presented.method === client.authMethod &&
      this.registry.recognises(client, presented.secret)
    );
  }

  /** A full scrypt queue is a busy server, not a wrong secret: 503, and no failure counted. */
  private async verifyOrBusy(
    client: ClientConfig | undefined,
    presented: PresentedCredentials,
    audiences: readonly string[],
  ): Promise<boolean> {
    try {
      return await this.verify(client, presented, audiences);
    } catch (e) {
      if (e instanceof SecretCheckBusy)
        throw new TemporarilyUnavailable('too many client authentications in progress; retry');
      throw e;
    }
  }

  /**
   * `client` undefined: an unknown id, refused at the cost of a known one. An assertion is not
   * evened out the same way: checking one costs a signature verification (tens of µs, lost in
   * network jitter), not a scrypt, and a client's keys may be fetched from its jwks_uri.
   */
  private async verify(
    client: ClientConfig | undefined,
    presented: PresentedCredentials,
    audiences: readonly string[],
  ): Promise<boolean> {
    if (presented.method !== 'private_key_jwt') {
      // The secret is checked even when the method is not the client's (an unknown client's
      // against the dummy hash), so that a refusal takes as long whatever the reason.
      const matches = await this.registry.secretMatches(client, presented.secret);
      return matches && client?.authMethod === presented.method;
    }
    if (client?.authMethod !== 'private_key_jwt') return false;
    return this.verifyAssertion(client, presented.assertion, audiences);
  }

  private async verifyAssertion(
    client: ClientConfig,
    assertion: string,
    audiences: readonly string[],
  ): Promise<boolean> {
    try {
      const { jti, replayUntil } = await this.assertions.verify(assertion, client, audiences);
      // RFC 7523 §3 item 7: single-use for as long as it can be accepted (exp + clock tolerance).
      return await this.replays.claimOnce(
        RedisKeys.assertionJti(client.clientId, jti),
        replayUntil,
      );
    } catch (e) {
      if (e instanceof AssertionRejected) return false;
      throw e;
    }
  }
}
