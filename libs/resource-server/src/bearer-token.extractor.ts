import type { CertificateCarrier } from '@app/tokens';
import { InvalidBearerRequest, MissingToken } from './bearer.errors';

/** RFC 6750 §2.1 b64token. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

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

/** Finds the one bearer token of a request; more than one method is `invalid_request` (§2). */
export function extractBearer(src: BearerSources): string {
  const fromHeader = headerToken(src.authorization);
  const found = [fromHeader, src.formAccessToken, src.queryAccessToken].filter(
    (t): t is string => t !== undefined,
  );
  if (found.length === 0) throw new MissingToken('no access token');
  if (found.length > 1) throw new InvalidBearerRequest('more than one access token');
  const token = found[0]!;
  if (!TOKEN.test(token)) throw new InvalidBearerRequest('malformed access token');
  return token;
}

function headerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (m) return m[1];
  if (/^Bearer\b/i.test(authorization))
    throw new InvalidBearerRequest('malformed Authorization header');
  // Another scheme (Basic, DPoP…) carries no bearer token.
  return undefined;
}
