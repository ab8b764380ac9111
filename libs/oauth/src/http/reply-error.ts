import type { FastifyInstance, FastifyReply } from 'fastify';

/** The reply property that carries the RFC error code of an error answer. */
const PROPERTY = 'oauthError';

type Marked = FastifyReply & { [PROPERTY]?: string };

/**
 * Declares the property on every reply of `fastify`, so that replies keep one shape whether or
 * not they carry an error (a property added to some replies only would make the code reading
 * it polymorphic). Call before the routes are registered.
 */
export function declareReplyError(fastify: FastifyInstance): void {
  fastify.decorateReply(PROPERTY, undefined);
}

/** Notes the RFC error code (RFC 6749 §5.2 `error`) an answer carries, for the request metrics. */
export function markReplyError(reply: FastifyReply, error: string): void {
  (reply as Marked)[PROPERTY] = error;
}

/** The RFC error code the answer carried, if it was an error rendered by sendOAuthError. */
export function replyError(reply: FastifyReply): string | undefined {
  return (reply as Marked)[PROPERTY];
}
