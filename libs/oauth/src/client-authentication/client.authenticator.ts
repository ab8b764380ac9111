import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { ClientRegistry, SecretCheckBusy } from '@app/registry';
import { AUTH_FAILURE_THROTTLE, AuthAttempt, AuthFailureThrottle } from '@app/store';
import { InvalidClient, TemporarilyUnavailable, TooManyFailedAuthentications } from '../errors';
import { OAuthRequest } from '../http/oauth-request';
import { RequestRateGate } from '../rate-limit/request-rate.gate';
import { AuthMethodRegistry } from './auth-method.registry';
import {
  ClientAuthMethodHandler,
  ClientAuthVerdict,
  FederatedIdentity,
  PresentedCredentials,
} from './client-auth-method';
import { ClientAuthEndpoint } from './endpoint-auth-methods';

/**
 * Authenticates the client of a token, introspection or revocation request (RFC 6749 §2.3,
 * RFC 7523 §3) by the one method the request uses, among those its endpoint accepts. Every
 * failure is `invalid_client` with the same description and the same cost (an unknown client's
 * secret is checked against a dummy hash), so a caller cannot tell an unknown client from a
 * wrong secret. Failures of the methods that cost work are counted per client id and per source
 * address across replicas; past the limit the request is refused with 429 before any secret is
 * checked, so a flood of wrong secrets cannot fill the thread pool with scrypt.
 */
/** The authenticated client, and the federated credential it used, if it used one. */
export interface AuthenticatedClient {
  readonly client: ClientConfig;
  readonly federated?: FederatedIdentity;
}

@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly methods: AuthMethodRegistry,
    @Inject(AUTH_FAILURE_THROTTLE) private readonly throttle: AuthFailureThrottle,
    private readonly rates: RequestRateGate,
  ) {}

  async authenticate(req: OAuthRequest, endpoint: ClientAuthEndpoint): Promise<ClientConfig> {
    return (await this.authenticateCaller(req, endpoint)).client;
  }

  /** As `authenticate`, saying also which federated credential authenticated the client. */
  async authenticateCaller(
    req: OAuthRequest,
    endpoint: ClientAuthEndpoint,
  ): Promise<AuthenticatedClient> {
    const method = this.methods.select(
      req,
      endpoint.methods,
      (id) => this.registry.client(id)?.authMethod,
    );
    const presented = method.read(req);
    const clientId = presented.clientId;
    const client = clientId === undefined ? undefined : this.registry.client(clientId);
    // Credentials recognised without scrypt (a hashed secret this replica verified before, a
    // plain development one, a public client's id) cost one HMAC or digest, so they pass even
    // while their id or address is throttled: failures sent in a client's name must not lock
    // the client out, and the successful path never waits for the shared counters. (A replica
    // that has not verified a hashed secret yet throttles it too.) That a throttled caller may
    // still succeed with the right secret is no help in guessing a high-entropy secret (RFC 6819
    // §5.1.4.2.2); what the throttle must bound is the scrypt work, and while throttled a wrong
    // guess costs none.
    if (client && method.recognises(client, presented)) return this.admit(client, method, endpoint);
    // `none` checks nothing costly: nothing to bound, and no failure to count.
    const attempt: AuthAttempt | undefined = method.throttled
      ? { clientId, address: req.sourceAddress }
      : undefined;
    if (attempt) await this.refuseWhileThrottled(attempt);
    const verdict = await this.verifyOrBusy(method, client, presented, endpoint);
    if (verdict !== false && client) {
      return this.admit(client, method, endpoint, verdict === true ? undefined : verdict.federated);
    }
    if (attempt) await this.throttle.recordFailure(attempt);
    throw new InvalidClient('client authentication failed', method.usesAuthorizationHeader);
  }

  /**
   * A request that proved its client spends that client's allowance on the endpoint
   * (RATE_LIMIT_*): only here, so no one can spend another client's allowance by naming it. A
   * public client proves nothing (RFC 6749 §2.1: anyone may send its id), so its requests are
   * counted per address only.
   */
  private admit(
    client: ClientConfig,
    method: ClientAuthMethodHandler,
    endpoint: ClientAuthEndpoint,
    federated?: FederatedIdentity,
  ): AuthenticatedClient | Promise<AuthenticatedClient> {
    const admitted = federated === undefined ? { client } : { client, federated };
    const pending =
      method.presentsCredentials && endpoint.rateLimited
        ? this.rates.client(endpoint.rateLimited, client)
        : undefined;
    return pending ? pending.then(() => admitted) : admitted;
  }

  private async refuseWhileThrottled(attempt: AuthAttempt): Promise<void> {
    const wait = await this.throttle.retryAfter(attempt);
    if (wait > 0) throw new TooManyFailedAuthentications(wait);
  }

  /** A full scrypt queue is a busy server, not a wrong secret: 503, and no failure counted. */
  private async verifyOrBusy(
    method: ClientAuthMethodHandler,
    client: ClientConfig | undefined,
    presented: PresentedCredentials,
    endpoint: ClientAuthEndpoint,
  ): Promise<ClientAuthVerdict> {
    try {
      return await method.verify(client, presented, endpoint.audiences);
    } catch (e) {
      if (e instanceof SecretCheckBusy)
        throw new TemporarilyUnavailable('too many client authentications in progress; retry');
      throw e;
    }
  }
}
