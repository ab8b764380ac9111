/**
 * HTTP as an OAuth client speaks it: form posts, client authentication and JSON answers.
 * Nothing here knows the server's internals.
 */

export type FormInput = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

/** JSON bodies are loosely typed on purpose: the tests assert their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = Record<string, any>;

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; `{}` when the body is empty or not JSON (see `text`). */
  readonly body: JsonBody;
  readonly text: string;
}

/** How a request authenticates its client: headers and/or form parameters (RFC 6749 §2.3). */
export interface ClientAuth {
  readonly headers: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
}

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export const clientAuth = {
  none: { headers: {}, form: {} } as ClientAuth,

  basic: (c: { clientId: string; secret: string }): ClientAuth => ({
    headers: { authorization: basicAuthorization(c.clientId, c.secret) },
    form: {},
  }),

  post: (c: { clientId: string; secret: string }): ClientAuth => ({
    headers: {},
    form: { client_id: c.clientId, client_secret: c.secret },
  }),

  /** A public client (token_endpoint_auth_method none): client_id alone (RFC 6749 §3.2.1). */
  publicClient: (clientId: string): ClientAuth => ({ headers: {}, form: { client_id: clientId } }),

  privateKeyJwt: (assertion: string): ClientAuth => ({
    headers: {},
    form: { client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion },
  }),

  /** Several methods in one request (which RFC 6749 §2.3 forbids). */
  combine: (...auths: ClientAuth[]): ClientAuth => ({
    headers: Object.assign({}, ...auths.map((a) => a.headers)),
    form: Object.assign({}, ...auths.map((a) => a.form)),
  }),
};

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
export function basicAuthorization(clientId: string, secret: string): string {
  const credentials = `${formUrlEncode(clientId)}:${formUrlEncode(secret)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** The application/x-www-form-urlencoded serialisation of one value (space as '+'). */
export function formUrlEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** POSTs an application/x-www-form-urlencoded body. Pairs allow a repeated parameter. */
export function postForm(
  url: string,
  form: FormInput,
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpResponse> {
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(pairs as [string, string][]).toString(),
  });
}

export async function send(url: string, init: RequestInit = {}): Promise<HttpResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: parseJson(text), text };
}

function parseJson(text: string): JsonBody {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as JsonBody) : {};
  } catch {
    return {};
  }
}
