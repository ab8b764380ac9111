import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { RedisKeys, REPLAY_STORE, ReplayStore } from '@app/store';
import { AssertionRejected, assertionSubject, ClientAssertionVerifier } from '@app/tokens';
import { InvalidClient } from '../errors';
import { OAuthRequest } from '../http/oauth-request';
import { extractCredentials, PresentedCredentials } from './client-credentials.extractor';

/**
 * Authenticates the client of a token, introspection or revocation request (RFC 6749 §2.3,
 * RFC 7523 §3). Every failure is `invalid_client` with the same description, so a caller cannot
 * tell an unknown client from a wrong secret.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly assertions: ClientAssertionVerifier,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
  ) {}

  /** `audiences`: the values an assertion's `aud` may hold (the issuer and this endpoint). */
  async authenticate(req: OAuthRequest, audiences: readonly string[]): Promise<ClientConfig> {
    const presented = extractCredentials(req);
    const triedBasic = presented.method === 'client_secret_basic';
    const clientId =
      presented.method === 'private_key_jwt'
        ? (presented.clientId ?? assertionSubject(presented.assertion))
        : presented.clientId;
    const client = clientId === undefined ? undefined : this.registry.client(clientId);
    if (
      !client ||
      client.authMethod !== presented.method ||
      !(await this.verify(client, presented, audiences))
    )
      throw new InvalidClient('client authentication failed', triedBasic);
    return client;
  }

  private async verify(
    client: ClientConfig,
    presented: PresentedCredentials,
    audiences: readonly string[],
  ): Promise<boolean> {
    if (presented.method !== 'private_key_jwt')
      return this.registry.secretMatches(client, presented.secret);
    try {
      const { jti, replayUntil } = await this.assertions.verify(
        presented.assertion,
        client,
        audiences,
      );
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
