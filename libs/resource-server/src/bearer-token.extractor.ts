import type { CertificateCarrier } from '@app/tokens';
import { InvalidBearerRequest, MissingToken } from './bearer.errors';

/** RFC 6750 §2.1 b64token (RFC 9449 §7.1's token68 for DPoP is the same set). */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 9110 §11.1: the scheme name is case-insensitive. */
const DPOP_SCHEME = /^DPoP(?: |$)/i;

export interface BearerSources {
  readonly authorization?: string;
  /** Parsed form body, when the server enables RFC 6750 §2.2 (form-encoded body parameter). */
  readonly formAccessToken?: string;
  /** Query parameter, when the server enables RFC 6750 §2.3 (discouraged). */
  readonly queryAccessToken?: string;
  /**
   * The request (a Node IncomingMessage: its socket and headers), read for its TLS client
   * certificate only when the token is bound to one (RFC 8705 §3).
   */
  readonly connection?: CertificateCarrier;
}

/**
 * Finds the one access token of a request; more than one method is `invalid_request` (§2). With
 * `dpopScheme`, `Authorization: DPoP <token>` (RFC 9449 §7.1) counts as the header's token too;
 * which scheme it came with is `isDpopScheme`'s to say.
 */
export function extractBearer(src: BearerSources, dpopScheme = false): string {
  const fromHeader = headerToken(src.authorization, dpopScheme);
  const found = [fromHeader, src.formAccessToken, src.queryAccessToken].filter(
    (t): t is string => t !== undefined,
  );
  if (found.length === 0) throw new MissingToken('no access token');
  if (found.length > 1) throw new InvalidBearerRequest('more than one access token');
  const token = found[0]!;
  if (!TOKEN.test(token)) throw new InvalidBearerRequest('malformed access token');
  return token;
}

/** Whether the Authorization header uses the DPoP scheme (RFC 9449 §7.1). */
export function isDpopScheme(authorization: string | undefined): boolean {
  return authorization !== undefined && DPOP_SCHEME.test(authorization);
}

function headerToken(authorization: string | undefined, dpopScheme: boolean): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (m) return m[1];
  if (/^Bearer\b/i.test(authorization))
    throw new InvalidBearerRequest('malformed Authorization header');
  if (dpopScheme && isDpopScheme(authorization)) {
    const d = /^DPoP +(\S+)\s*$/i.exec(authorization);
    if (d) return d[1];
    throw new InvalidBearerRequest('malformed Authorization header');
  }
  // Another scheme (Basic, or DPoP where it is not taken) carries no bearer token.
  return undefined;
}
