/** The methods a client authenticates with a shared secret (RFC 6749 §2.3.1). */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];

/** RFC 7591 §2: `token_endpoint_auth_method` defaults to client_secret_basic. */
export const DEFAULT_AUTH_METHOD = 'client_secret_basic';

/** Whether a client document's method needs the server to issue it a secret. */
export function needsSecret(document: Readonly<Record<string, unknown>>): boolean {
  const method = document.token_endpoint_auth_method ?? DEFAULT_AUTH_METHOD;
  return typeof method === 'string' && SECRET_METHODS.includes(method);
}
