/**
 * RFC 8693 §4.1 `act`: the party acting on behalf of the token's subject. A chain of delegation
 * nests the earlier actor inside: the outermost `act` is the current actor, the innermost the
 * first. §4.4 `may_act` has the same shape and names who may become the actor. For an actor
 * that is one of our clients, `sub` is what its token's `sub` was and `clientId` the client the
 * actor token was issued to, when that differs from `sub`.
 */
export interface ActClaim {
  readonly sub: string;
  readonly clientId?: string;
  readonly act?: ActClaim;
}

/** The wire form (`client_id` snake_case, RFC 8693 §4.1 / RFC 7662). */
export interface ActClaimJson {
  readonly sub: string;
  readonly client_id?: string;
  readonly act?: ActClaimJson;
}

/**
 * How deep a chain of actors may be. RFC 8693 sets no bound; an unbounded chain would let each
 * exchange grow the token and its event. Five services deep is well past any call graph that
 * should carry a user's authority.
 */
export const MAX_ACT_DEPTH = 5;

export function actClaimJson(a: ActClaim): ActClaimJson {
  return {
    sub: a.sub,
    ...(a.clientId === undefined ? {} : { client_id: a.clientId }),
    ...(a.act === undefined ? {} : { act: actClaimJson(a.act) }),
  };
}

/**
 * An `act` or `may_act` read off a token or an event: `undefined` when absent, `null` when
 * present but not what we would have written (non-empty `sub`, optional non-empty `client_id`,
 * an optional nested `act`, nothing else, at most MAX_ACT_DEPTH deep). A token carrying a
 * malformed one is refused, never read without it: dropping an actor would turn a delegated
 * token into one that seems to be the subject's own.
 */
export function parseActClaim(value: unknown, depth = 1): ActClaim | undefined | null {
  if (value === undefined) return undefined;
  if (depth > MAX_ACT_DEPTH) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { sub, client_id, act, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof sub !== 'string' || sub.length === 0) return null;
  if (client_id !== undefined && (typeof client_id !== 'string' || client_id.length === 0))
    return null;
  const inner = parseActClaim(act, depth + 1);
  if (inner === null) return null;
  return {
    sub,
    ...(client_id === undefined ? {} : { clientId: client_id as string }),
    ...(inner === undefined ? {} : { act: inner }),
  };
}

/** How many actors the chain names (0 for none). */
export function actDepth(a: ActClaim | undefined): number {
  return a === undefined ? 0 : 1 + actDepth(a.act);
}

/** The actors' subjects, current actor first (what an auditor reads). */
export function actSubjects(a: ActClaim | undefined): string[] {
  return a === undefined ? [] : [a.sub, ...actSubjects(a.act)];
}
