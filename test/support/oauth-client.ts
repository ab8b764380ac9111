import { ClientAuth, clientAuth, FormInput, HttpResponse, postForm, send } from './oauth-http';

/**
 * The server's endpoints as a client calls them, each taking the client authentication to
 * use. Endpoint URLs come from the server's own configuration (what its metadata advertises).
 */
export class OAuthClient {
  constructor(
    private readonly endpoints: {
      readonly token: string;
      readonly introspection: string;
      readonly revocation: string;
    },
  ) {}

  token(form: FormInput, auth: ClientAuth = clientAuth.none): Promise<HttpResponse> {
    return post(this.endpoints.token, form, auth);
  }

  introspect(form: FormInput, auth: ClientAuth = clientAuth.none): Promise<HttpResponse> {
    return post(this.endpoints.introspection, form, auth);
  }

  revoke(form: FormInput, auth: ClientAuth = clientAuth.none): Promise<HttpResponse> {
    return post(this.endpoints.revocation, form, auth);
  }

  /** A client_credentials access token; fails the test at once when the server refuses. */
  async accessToken(auth: ClientAuth, form: Record<string, string> = {}): Promise<string> {
    const res = await this.token({ grant_type: 'client_credentials', ...form }, auth);
    if (res.status !== 200 || typeof res.body.access_token !== 'string')
      throw new Error(`token request refused: ${res.status} ${res.text}`);
    return res.body.access_token;
  }

  /** POSTs a raw body with the given content type to the token endpoint. */
  rawToken(body: string, contentType: string, auth: ClientAuth): Promise<HttpResponse> {
    return send(this.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': contentType, ...auth.headers },
      body,
    });
  }
}

function post(url: string, form: FormInput, auth: ClientAuth): Promise<HttpResponse> {
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  return postForm(url, [...pairs, ...Object.entries(auth.form)], auth.headers);
}
