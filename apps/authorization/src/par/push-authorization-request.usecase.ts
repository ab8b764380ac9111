import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ClientAuthEndpoint,
  ClientAuthenticator,
  DpopProofs,
  ENDPOINT_AUTH_METHODS,
  offeredAuthMethods,
  FormParams,
  InvalidRequest,
  RequestContext,
} from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { AUTHORIZATION_REQUEST_STORE, AuthorizationRequestStore } from '@app/store';
import { checkRedirectUri } from '../authorize/checks/check-redirect-uri';
import { REQUEST_URI_PREFIX } from '../authorize/checks/check-request-uri';
import { validateAuthorizationRequest } from '../authorize/validate-authorization-request';
import { FrontChannelHttpRequest } from '../front-channel/front-channel-request';
import { checkParDpopProof } from './check-par-dpop-proof';

/** RFC 9126 §2.2: the created response. */
export interface PushedAuthorizationResponse {
  readonly request_uri: string;
  readonly expires_in: number;
}

/**
 * `POST /oauth2/par` (RFC 9126 §2): the client authenticates as at the token endpoint (§2:
 * public clients too, with `client_id`), and its authorization request is validated exactly as
 * the authorization endpoint would, errors answered here as JSON (§2.3); a DPoP proof binds the
 * code to its key (RFC 9449 §10.1). The request is kept
 * under a fresh `request_uri` for PAR_TTL_SECONDS, to be taken once by the authorization
 * endpoint.
 */
@Injectable()
export class PushAuthorizationRequestUseCase {
  private readonly clientAuth: ClientAuthEndpoint;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly registry: ClientRegistry,
    @Inject(AUTHORIZATION_REQUEST_STORE) private readonly requests: AuthorizationRequestStore,
    private readonly proofs: DpopProofs,
  ) {
    this.clientAuth = {
      // RFC 9126 §2: the issuer, the token endpoint and the PAR endpoint are all audiences.
      audiences: [config.issuer, config.endpoints.par, config.endpoints.token],
      methods: offeredAuthMethods(ENDPOINT_AUTH_METHODS.token, config),
      rateLimited: 'par',
    };
  }

  async execute(http: FrontChannelHttpRequest): Promise<PushedAuthorizationResponse> {
    const req = new RequestContext(http, FormParams.parse(http.headers['content-type'], http.body));
    const client = await this.authenticator.authenticate(req, this.clientAuth);
    const form = req.form;
    // RFC 9126 §2.1: a pushed request cannot itself point at another pushed request.
    if (form.has('request_uri'))
      throw new InvalidRequest('the request_uri parameter cannot be pushed');
    const named = form.get('client_id');
    if (named !== undefined && named !== client.clientId)
      throw new InvalidRequest('the client_id is not the authenticated client');
    const redirectUri = checkRedirectUri(client, form);
    const now = Date.now();
    const validated = validateAuthorizationRequest(this.registry, client, redirectUri, form, now);
    const request = await checkParDpopProof(this.proofs, req, this.config.endpoints.par, validated);
    const requestUri = `${REQUEST_URI_PREFIX}${randomBytes(32).toString('base64url')}`;
    const ttl = this.config.signIn.parTtl;
    await this.requests.save('pushed', requestUri, request, now + ttl * 1000);
    return { request_uri: requestUri, expires_in: ttl };
  }
}
