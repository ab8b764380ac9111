import type {
  AcceptConsentBody,
  AcceptLoginBody,
  ConsentRequestView,
  LoginConsentApi,
  LoginRequestView,
  RedirectAnswer,
  RejectBody,
} from '@app/oauth';
import { LOGIN_CONSENT_PATHS } from '@app/oauth';
import { tracedFetch } from '@app/tracing';
import { LoginApiCredentials } from './login-api.credentials';
import { LoginApiError } from './login-api.error';
import { parseConsentRequest, parseLoginRequest, parseRedirect } from './login-api.responses';

/** A call that has not answered in this time fails: the browser is waiting on it. */
export const LOGIN_API_TIMEOUT_MS = 5_000;
/** The API's answers are a few hundred bytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

type Challenge = 'login_challenge' | 'consent_challenge';

/**
 * The login/consent API over HTTP, as a login app run apart (or a company's own) calls it:
 * `client_secret_basic` as a `login_provider` client, challenges in the query, JSON bodies.
 */
export class HttpLoginConsentApi implements LoginConsentApi {
  private readonly authorization: string;

  constructor(
    private readonly apiUrl: string,
    credentials: LoginApiCredentials,
    private readonly timeoutMs = LOGIN_API_TIMEOUT_MS,
  ) {
    this.authorization = basicAuthorization(credentials);
  }

  async loginRequest(challenge: string): Promise<LoginRequestView> {
    const path = LOGIN_CONSENT_PATHS.loginRequest;
    return parseLoginRequest(await this.call('GET', path, 'login_challenge', challenge));
  }

  acceptLogin(challenge: string, body: AcceptLoginBody): Promise<RedirectAnswer> {
    return this.answer(LOGIN_CONSENT_PATHS.acceptLogin, 'login_challenge', challenge, body);
  }

  rejectLogin(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    return this.answer(LOGIN_CONSENT_PATHS.rejectLogin, 'login_challenge', challenge, body);
  }

  async consentRequest(challenge: string): Promise<ConsentRequestView> {
    const path = LOGIN_CONSENT_PATHS.consentRequest;
    return parseConsentRequest(await this.call('GET', path, 'consent_challenge', challenge));
  }

  acceptConsent(challenge: string, body: AcceptConsentBody): Promise<RedirectAnswer> {
    return this.answer(LOGIN_CONSENT_PATHS.acceptConsent, 'consent_challenge', challenge, body);
  }

  rejectConsent(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    return this.answer(LOGIN_CONSENT_PATHS.rejectConsent, 'consent_challenge', challenge, body);
  }

  private async answer(path: string, name: Challenge, challenge: string, body: object) {
    return parseRedirect(await this.call('PUT', path, name, challenge, body));
  }

  private async call(
    method: 'GET' | 'PUT',
    path: string,
    name: Challenge,
    challenge: string,
    body?: object,
  ): Promise<unknown> {
    // The paths are relative to the API's origin (login-consent.api.ts).
    const url = new URL(path, this.apiUrl);
    url.searchParams.set(name, challenge);
    const res = await this.send(url, method, body);
    const text = await boundedText(res).catch((e: unknown) => {
      throw e instanceof LoginApiError ? e : transportError(e);
    });
    if (!res.ok) throw new LoginApiError(res.status, errorCode(text));
    try {
      return JSON.parse(text);
    } catch {
      throw new LoginApiError(502, 'malformed answer');
    }
  }

  private async send(url: URL, method: string, body?: object): Promise<Response> {
    try {
      // A CLIENT span when tracing is on: the authorization service continues the login's trace.
      return await tracedFetch(url, {
        method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // The API answers; it never sends anyone elsewhere, least of all with our credentials.
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw transportError(e);
    }
  }
}

/** The timeout's abort ends the body's stream as well as the request. */
function transportError(e: unknown): LoginApiError {
  const timedOut = e instanceof DOMException && e.name === 'TimeoutError';
  return new LoginApiError(timedOut ? 504 : 502, timedOut ? 'timed out' : 'unreachable', {
    cause: e,
  });
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded. */
function basicAuthorization({ clientId, secret }: LoginApiCredentials): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

async function boundedText(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new LoginApiError(502, 'answer too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The RFC 6749 §5.2 `error` of an error answer, if it is a short token; never the body. */
function errorCode(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string' && /^[\x20-\x7e]{1,64}$/.test(error)) return error;
  } catch {
    // not JSON: the status says enough
  }
  return 'error';
}
