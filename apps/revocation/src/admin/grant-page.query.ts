import { InvalidRequest } from '@app/oauth';
import type { GrantCursor } from '@app/store';
import { GRANT_ID_SYNTAX } from './admin-api.paths';

/** `limit` when the query names none, and the most one page may hold (docs/openapi.yaml). */
export const DEFAULT_GRANTS_LIMIT = 50;
export const MAX_GRANTS_LIMIT = 200;

/** What `GET /admin/subjects/{subject}/grants` reads of its query. */
export interface GrantPageQuery {
  readonly limit: number;
  readonly after?: GrantCursor;
}

const LIMIT_SYNTAX = /^[1-9][0-9]{0,5}$/;
/** A cursor as this API hands it out: base64url of `<deadline ms>.<grant id>`. */
const CURSOR_SYNTAX = /^[A-Za-z0-9_-]{1,256}$/;
const DECODED_CURSOR = /^([0-9]{1,16})\.(.+)$/s;

/**
 * `limit` (1 to MAX_GRANTS_LIMIT) and `cursor` (the `next_cursor` of an earlier page), each at
 * most once; other parameters are ignored. Anything else is 400 `invalid_request` (RFC 6749
 * §5.2 shape), never a silently clamped page.
 */
export function grantPageQuery(query: Readonly<Record<string, unknown>>): GrantPageQuery {
  const limit = single(query, 'limit');
  const cursor = single(query, 'cursor');
  return {
    limit: limit === undefined ? DEFAULT_GRANTS_LIMIT : parseLimit(limit),
    ...(cursor === undefined ? {} : { after: decodeGrantCursor(cursor) }),
  };
}

export function encodeGrantCursor(c: GrantCursor): string {
  return Buffer.from(`${c.expiresAt}.${c.grantId}`, 'utf8').toString('base64url');
}

function decodeGrantCursor(raw: string): GrantCursor {
  const decoded = CURSOR_SYNTAX.test(raw)
    ? DECODED_CURSOR.exec(Buffer.from(raw, 'base64url').toString('utf8'))
    : null;
  const grantId = decoded?.[2];
  if (!decoded || grantId === undefined || !GRANT_ID_SYNTAX.test(grantId))
    throw new InvalidRequest('cursor is not one this API handed out');
  return { expiresAt: Number(decoded[1]), grantId };
}

function parseLimit(raw: string): number {
  const limit = LIMIT_SYNTAX.test(raw) ? Number(raw) : NaN;
  if (!(limit <= MAX_GRANTS_LIMIT))
    throw new InvalidRequest(`limit must be an integer from 1 to ${MAX_GRANTS_LIMIT}`);
  return limit;
}

function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new InvalidRequest(`${name} must be given at most once`);
}
