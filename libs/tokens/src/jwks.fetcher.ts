import { isLoopbackHost } from '@app/config';
import { tracedFetch } from '@app/tracing';

/**
 * One bounded download of a JWK Set (RFC 7517 §5) from a `jwks_uri`: the only place the code
 * base fetches keys from a URL, for client key sets (RFC 7591 §2 `jwks_uri`), the resource
 * server's copy of the issuer's keys, and trusted external issuers (with their discovery
 * document). Whatever the remote host does, the download ends within `timeoutMs` with a key
 * list or a `JwksFetchFailed`.
 */

/** Which `http:` URLs may be fetched; `https:` always may. */
export type JwksHttpPolicy =
  /** `https:` only: keys must come over an authenticated channel. */
  | 'refuse'
  /** Also `http:` on a loopback host (development: a local client or issuer). */
  | 'loopback'
  /** Any `http:` URL: only for a URL the operator configured on a network they trust. */
  | 'allow';

export interface JwksFetchOptions {
  /** Deadline for the whole download: connect, headers, every redirect and the body. */
  readonly timeoutMs?: number;
  /** Largest accepted body, in bytes: a larger one is aborted while it streams. */
  readonly maxBytes?: number;
  readonly http?: JwksHttpPolicy;
  readonly fetch?: typeof fetch;
}

export const JWKS_FETCH_DEFAULTS = { timeoutMs: 2000, maxBytes: 64 * 1024 } as const;

/**
 * Redirects are followed only within the URL's own origin (same scheme, host and port), and at
 * most this many: a key set must not be served from a host the URL's owner did not name.
 */
const MAX_REDIRECTS = 2;

/** Why a key set could not be had; the message names the URL's origin, never the body. */
export class JwksFetchFailed extends Error {
  constructor(reason: string, cause?: unknown) {
    super(reason, { cause });
    this.name = 'JwksFetchFailed';
  }
}

/** Whether `url` may be fetched under `policy` (`undefined` when it may, else the reason). */
export function jwksUrlRefusal(url: URL, policy: JwksHttpPolicy): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${url.protocol} is not an https URL`;
  if (policy === 'allow') return undefined;
  if (policy === 'loopback' && isLoopbackHost(url.hostname)) return undefined;
  return `http is not allowed for ${url.origin}`;
}

/** The `keys` of the JWK Set at `uri` (not yet filtered: see CachedJwks). */
export async function fetchJwks(
  uri: string,
  options: JwksFetchOptions = {},
): Promise<readonly Record<string, unknown>[]> {
  const body = await fetchBoundedJson(uri, options, 'key set');
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwksFetchFailed('the key set has no "keys" array');
  return keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null);
}

/**
 * One JSON document at `uri` under the same bounds as a key set (deadline, size cap, http
 * policy, same-origin redirects): a key set, or the OpenID discovery document (OIDC Discovery
 * §4) of a trusted issuer that names where its key set is. `what` names it in errors.
 */
export async function fetchBoundedJson(
  uri: string,
  options: JwksFetchOptions = {},
  what = 'document',
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? JWKS_FETCH_DEFAULTS.timeoutMs;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new JwksFetchFailed(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const download = downloadJson(uri, options, abort.signal, what);
  // The loser of the race must not become an unhandled rejection.
  download.catch(() => undefined);
  try {
    return await Promise.race([download, deadline]);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function downloadJson(
  uri: string,
  options: JwksFetchOptions,
  signal: AbortSignal,
  what: string,
): Promise<unknown> {
  if (!URL.canParse(uri)) throw new JwksFetchFailed(`the ${what}'s URL is not absolute`);
  const res = await request(new URL(uri), options, signal);
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new JwksFetchFailed(`${new URL(res.url || uri).origin} answered ${res.status}`);
  }
  const maxBytes = options.maxBytes ?? JWKS_FETCH_DEFAULTS.maxBytes;
  const text = await readCapped(res, maxBytes, signal, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new JwksFetchFailed(`the ${what} is not JSON`);
  }
}

/** GET `url`, following same-origin redirects only (RFC 9110 §15.4: `Location` is resolved). */
async function request(
  url: URL,
  options: JwksFetchOptions,
  signal: AbortSignal,
): Promise<Response> {
  const policy = options.http ?? 'refuse';
  const doFetch = options.fetch ?? fetch;
  let current = url;
  for (let hops = 0; ; hops++) {
    const refusal = jwksUrlRefusal(current, policy);
    if (refusal) throw new JwksFetchFailed(refusal);
    let res: Response;
    try {
      res = await tracedFetch(
        current,
        {
          method: 'GET',
          redirect: 'manual',
          signal,
          headers: { accept: 'application/jwk-set+json, application/json' },
        },
        doFetch,
      );
    } catch (e) {
      throw new JwksFetchFailed(`${current.origin} could not be reached`, e);
    }
    if (res.status < 300 || res.status > 399) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    const next =
      location !== null && URL.canParse(location, current.href) && new URL(location, current);
    if (!next || next.origin !== url.origin)
      throw new JwksFetchFailed(`${url.origin} redirected to another origin`);
    if (hops >= MAX_REDIRECTS) throw new JwksFetchFailed(`${url.origin} redirected too often`);
    current = next;
  }
}

/** The body as text, refused once it exceeds `maxBytes` (announced or streamed). */
async function readCapped(
  res: Response,
  maxBytes: number,
  signal: AbortSignal,
  what: string,
): Promise<string> {
  const tooLarge = () => new JwksFetchFailed(`the ${what} exceeds ${maxBytes} bytes`);
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  // An injected fetch (tests) may hand a stream the signal does not reach: cancel it ourselves.
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof JwksFetchFailed) throw e;
    throw new JwksFetchFailed(`the ${what} could not be read`, e);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
