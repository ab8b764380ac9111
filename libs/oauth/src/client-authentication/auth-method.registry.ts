import { Inject, Injectable } from '@nestjs/common';
import { AUTH_METHODS, ClientAuthMethod } from '@app/config';
import { InvalidClient, InvalidRequest } from '../errors';
import { OAuthRequest } from '../http/oauth-request';
import { CLIENT_AUTH_METHODS, ClientAuthMethodHandler } from './client-auth-method';

/** The client authentication methods, and which one a request uses. */
@Injectable()
export class AuthMethodRegistry {
  private readonly withCredentials: readonly ClientAuthMethodHandler[];
  /** The methods a request with `client_id` alone uses when its client is registered for one. */
  private readonly byRegistration: readonly ClientAuthMethodHandler[];
  /** `none`: the method of a request that presents no credentials but names its client. */
  private readonly withoutCredentials?: ClientAuthMethodHandler;

  constructor(@Inject(CLIENT_AUTH_METHODS) handlers: readonly ClientAuthMethodHandler[]) {
    const names = handlers.map((h) => h.method);
    if (new Set(names).size !== names.length)
      throw new Error(`client authentication methods registered twice: ${names.join(', ')}`);
    // Every method a client may be registered with has its handler, and only those.
    const missing = AUTH_METHODS.filter((m) => !names.includes(m));
    if (missing.length > 0 || names.length !== AUTH_METHODS.length)
      throw new Error(`client authentication handlers must be exactly ${AUTH_METHODS.join(', ')}`);
    const bare = handlers.filter((h) => !h.presentsCredentials);
    if (bare.length > 1)
      throw new Error('at most one client authentication method may present no credentials');
    this.withCredentials = handlers.filter((h) => h.presentsCredentials && !h.chosenByRegistration);
    this.byRegistration = handlers.filter((h) => h.chosenByRegistration);
    this.withoutCredentials = bare[0];
  }

  /** The registered method names. */
  methods(): ClientAuthMethod[] {
    const all = [...this.withCredentials, ...this.byRegistration];
    if (this.withoutCredentials) all.push(this.withoutCredentials);
    return all.map((h) => h.method);
  }

  /**
   * RFC 6749 §2.3: the one method the request uses, if `accepted` (the endpoint's methods)
   * holds it. Two methods at once are `invalid_request`; none at all, or one the endpoint does
   * not take, is `invalid_client` (with the challenge of RFC 6749 §5.2). A request that names
   * its client with `client_id` alone uses the client's registered method when that is a TLS
   * certificate method (RFC 8705 §2), `none` otherwise; `registeredMethod` looks it up.
   */
  select(
    req: OAuthRequest,
    accepted: readonly ClientAuthMethod[],
    registeredMethod: (clientId: string) => ClientAuthMethod | undefined = () => undefined,
  ): ClientAuthMethodHandler {
    let chosen: ClientAuthMethodHandler | undefined;
    for (const handler of this.withCredentials) {
      if (!handler.isPresentedIn(req)) continue;
      if (chosen) throw new InvalidRequest('use exactly one client authentication method');
      chosen = handler;
    }
    if (!chosen && this.withoutCredentials?.isPresentedIn(req))
      chosen = this.registeredFor(req, registeredMethod) ?? this.withoutCredentials;
    if (chosen && accepted.includes(chosen.method)) return chosen;
    // An endpoint that does not take `none` treats a bare client_id as no authentication.
    if (chosen?.presentsCredentials)
      throw new InvalidClient(
        'this endpoint does not accept that client authentication method',
        chosen.usesAuthorizationHeader,
        accepted,
      );
    throw new InvalidClient('client authentication is required', false, accepted);
  }

  private registeredFor(
    req: OAuthRequest,
    registeredMethod: (clientId: string) => ClientAuthMethod | undefined,
  ): ClientAuthMethodHandler | undefined {
    if (this.byRegistration.length === 0) return undefined;
    const clientId = req.form.get('client_id');
    const method = clientId === undefined ? undefined : registeredMethod(clientId);
    return this.byRegistration.find((h) => h.method === method);
  }
}
