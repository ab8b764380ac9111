import { CookieJar } from './cookie-jar';
import { formSubmission, HtmlForm, parseForms } from './html-form';
import { PkcePair, pkcePair, randomValue } from './pkce';

/**
 * Drives the authorization code flow over HTTP as a browser would: redirects followed by hand
 * (303 and 302-after-POST become GET, 307/308 keep the method), one cookie jar across every host
 * and replica, the login and consent pages read per the login app's documented form contract
 * (README "The form contract": `username`, `password`, the `decision` buttons, hidden inputs sent
 * back as they are) and form_post answers read, never executed. It stops at the client's
 * redirect URI, which it never requests, and returns what the client would receive there.
 * Nothing here knows the server's internals: specs, the split-topology spec and the benchmark's
 * code preparation all use it.
 */
export interface SignInUser {
  readonly username: string;
  readonly password: string;
}

export interface FlowOptions {
  /** Where the flow ends: the client's redirect URI (matched on origin and path). */
  readonly redirectUri: string;
  /** Typed into the login form when the login app shows one. */
  readonly user?: SignInUser;
  /**
   * Ticks the login form's `remember` checkbox ("Remember me", README "The form contract"): the
   * browser session then lets later authorizations skip the login page.
   */
  readonly remember?: boolean;
  /** The consent button pressed when the consent page is shown. Default `allow`. */
  readonly consent?: 'allow' | 'deny';
  /** Shared across flows for single sign-on; a new one per flow by default. */
  readonly jar?: CookieJar;
  /** A load balancer's choice: where a request addressed to `url` really goes. */
  readonly route?: (url: URL, step: number) => URL;
  /** Refuses to loop for ever. Default 20. */
  readonly maxSteps?: number;
}

export interface TrailStep {
  readonly method: string;
  /** The URL as the browser addressed it. */
  readonly url: string;
  /** Where `route` sent it (same as `url` without a route). */
  readonly servedBy: string;
  readonly status: number;
}

export interface FlowResult {
  /** What arrived at the redirect URI: `code` or `error`, `state`, `iss`… */
  readonly callback: URLSearchParams;
  readonly responseMode: 'query' | 'form_post';
  /** The login app's pages that were shown, in order (a skipped login shows none). */
  readonly pagesShown: ReadonlyArray<'login' | 'consent'>;
  readonly trail: readonly TrailStep[];
  readonly jar: CookieJar;
}

/** A page the flow could not go past (an error page, a 429, an unexpected answer). */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
    readonly body: string,
    readonly trail: readonly TrailStep[],
  ) {
    super(`${message} (HTTP ${status} at ${url}): ${body.slice(0, 300)}`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Follows a ready-made authorization URL (e.g. one a relying-party library built). */
export async function followSignIn(
  authorizationUrl: string,
  options: FlowOptions,
): Promise<FlowResult> {
  const jar = options.jar ?? new CookieJar();
  const end = new URL(options.redirectUri);
  const trail: TrailStep[] = [];
  const pagesShown: Array<'login' | 'consent'> = [];
  let request: BrowserRequest = { method: 'GET', url: new URL(authorizationUrl) };
  for (let step = 0; step < (options.maxSteps ?? 20); step++) {
    if (isRedirectUri(request.url, end) && request.method === 'GET')
      return { callback: request.url.searchParams, responseMode: 'query', pagesShown, trail, jar };
    const res = await send(request, jar, options.route?.(request.url, step) ?? request.url, trail);
    if (REDIRECTS.has(res.status)) {
      request = followRedirect(request, res);
      continue;
    }
    const text = await res.text();
    if (res.status !== 200)
      throw new SignInError('the flow stopped', res.status, request.url.href, text, trail);
    const forms = parseForms(text, request.url);
    const answer = forms.find((f) => f.method === 'post' && isRedirectUri(f.action, end));
    if (answer)
      return {
        callback: formSubmission(answer),
        responseMode: 'form_post',
        pagesShown,
        trail,
        jar,
      };
    const page = pageKind(forms);
    if (!page)
      throw new SignInError('no login or consent form', res.status, request.url.href, text, trail);
    if (page.kind === 'login' && pagesShown.at(-1) === 'login')
      throw new SignInError('the login form came back', res.status, request.url.href, text, trail);
    pagesShown.push(page.kind);
    request = submit(page, options, request.url, text, trail);
  }
  throw new Error(`no answer at ${options.redirectUri} within ${options.maxSteps ?? 20} steps`);
}

export interface SignInRequest extends FlowOptions {
  /** Ours: `config.endpoints.authorization`. */
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly scope: string;
  readonly resources?: readonly string[];
  /** More authorization request parameters (prompt, max_age, response_mode…); they win. */
  readonly params?: Readonly<Record<string, string>>;
}

export interface SignInResult extends FlowResult {
  readonly authorizationUrl: string;
  readonly pkce: PkcePair;
  readonly state: string;
  readonly nonce: string;
  /** The code, when the flow ended with one. */
  readonly code?: string;
}

/** A fresh PKCE pair, state and nonce; the flow followed to the redirect URI. */
export async function signIn(request: SignInRequest): Promise<SignInResult> {
  const pkce = pkcePair();
  const state = randomValue();
  const nonce = randomValue();
  const authorizationUrl = authorizationRequestUrl(request, { pkce, state, nonce });
  const result = await followSignIn(authorizationUrl, request);
  const code = result.callback.get('code') ?? undefined;
  return { ...result, authorizationUrl, pkce, state, nonce, code };
}

/** RFC 6749 §4.1.1 + RFC 7636 §4.3 + OIDC Core §3.1.2.1, every value in the query. */
export function authorizationRequestUrl(
  request: Omit<SignInRequest, keyof FlowOptions> & { redirectUri: string },
  secrets: { pkce: PkcePair; state: string; nonce: string },
): string {
  const url = new URL(request.authorizationEndpoint);
  const query = url.searchParams;
  query.set('response_type', 'code');
  query.set('client_id', request.clientId);
  query.set('redirect_uri', request.redirectUri);
  query.set('scope', request.scope);
  query.set('state', secrets.state);
  query.set('nonce', secrets.nonce);
  query.set('code_challenge', secrets.pkce.challenge);
  query.set('code_challenge_method', secrets.pkce.method);
  for (const resource of request.resources ?? []) query.append('resource', resource);
  for (const [name, value] of Object.entries(request.params ?? {})) query.set(name, value);
  return url.href;
}

export interface BrowserRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly body?: URLSearchParams;
  /** The page a form was submitted from (its origin goes in `Origin`, as browsers send it). */
  readonly from?: URL;
}

/** One request as a browser sends it (its cookies, Origin on a form post); no redirect followed. */
export function browserRequest(jar: CookieJar, request: BrowserRequest): Promise<Response> {
  return send(request, jar, request.url, []);
}

async function send(request: BrowserRequest, jar: CookieJar, target: URL, trail: TrailStep[]) {
  const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml' };
  // The cookies are those of the host the browser addressed; the routed replica sees them all.
  const cookie = jar.headerFor(request.url);
  if (cookie) headers.cookie = cookie;
  if (request.body) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (request.from) headers.origin = request.from.origin;
  const res = await fetch(target, {
    method: request.method,
    headers,
    body: request.body?.toString(),
    redirect: 'manual',
  });
  jar.storeFrom(request.url, res.headers);
  trail.push({
    method: request.method,
    url: request.url.href,
    servedBy: target.href,
    status: res.status,
  });
  return res;
}

function followRedirect(request: BrowserRequest, res: Response): BrowserRequest {
  const location = res.headers.get('location');
  if (!location) throw new Error(`${res.status} without Location at ${request.url.href}`);
  const url = new URL(location, request.url);
  // Fetch §4.4 step 12: 303, and 301/302 after a POST, turn into a GET without a body.
  const keep = (res.status === 307 || res.status === 308) && request.method === 'POST';
  return keep ? { ...request, url } : { method: 'GET', url };
}

type Page = { kind: 'login'; form: HtmlForm } | { kind: 'consent'; form: HtmlForm };

function pageKind(forms: HtmlForm[]): Page | undefined {
  const posts = forms.filter((f) => f.method === 'post');
  const login = posts.find((f) =>
    f.inputs.some((i) => i.name === 'password' && i.type === 'password'),
  );
  if (login) return { kind: 'login', form: login };
  const consent = posts.find((f) => f.buttons.some((b) => b.name === 'decision'));
  return consent ? { kind: 'consent', form: consent } : undefined;
}

function submit(
  page: Page,
  options: FlowOptions,
  pageUrl: URL,
  html: string,
  trail: TrailStep[],
): BrowserRequest {
  if (page.kind === 'login') {
    if (!options.user)
      throw new SignInError(
        'the login form was shown but no user was given',
        200,
        pageUrl.href,
        html,
        trail,
      );
    const { username, password } = options.user;
    const box = page.form.inputs.find((i) => i.name === 'remember' && i.type === 'checkbox');
    const fill: Record<string, string> = { username, password };
    if (options.remember && box) fill.remember = box.value;
    const body = formSubmission(page.form, fill);
    return { method: 'POST', url: page.form.action, body, from: pageUrl };
  }
  const value = options.consent ?? 'allow';
  const button = page.form.buttons.find((b) => b.name === 'decision' && b.value === value);
  if (!button) throw new SignInError(`no decision=${value} button`, 200, pageUrl.href, html, trail);
  return {
    method: 'POST',
    url: page.form.action,
    body: formSubmission(page.form, {}, button),
    from: pageUrl,
  };
}

function isRedirectUri(url: URL, end: URL): boolean {
  return url.origin === end.origin && url.pathname === end.pathname;
}

/** RFC 6749 §4.1.3 + RFC 7636 §4.5: the token request that redeems a flow's code. */
export function redemptionForm(result: SignInResult, redirectUri: string): Record<string, string> {
  if (!result.code) throw new Error(`the flow ended without a code: ${result.callback.toString()}`);
  return {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: redirectUri,
    code_verifier: result.pkce.verifier,
  };
}
