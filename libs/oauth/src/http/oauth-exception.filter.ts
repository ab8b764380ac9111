import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InvalidRequest, OAuthError, ServerError, TemporarilyUnavailable } from '../errors';
import { safeErrorDescription } from './error-description';
import { markReplyError } from './reply-error';
import { EventBusUnavailable } from '@app/events';
import { StoreUnavailable } from '@app/store';

/**
 * Renders every failure as an RFC 6749 §5.2 error body with `Cache-Control: no-store`.
 * Anything unexpected becomes `500 server_error`: the cause is logged here, never sent.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendOAuthFailure(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }
}

const logger = new Logger('OAuthError');

/** Answers any failure as OAuthExceptionFilter does: for routes Nest does not dispatch. */
export function sendOAuthFailure(reply: FastifyReply, exception: unknown): void {
  sendOAuthError(reply, toOAuthError(exception, reply.request?.id));
}

/**
 * The request's id rides on each line written here explicitly: the per-request log context that
 * would add it to every line is on only at LOG_LEVEL=debug (its cost on Node 20's promises).
 */
function toOAuthError(e: unknown, requestId: string | undefined): OAuthError | HttpException {
  if (e instanceof OAuthError) return e;
  const log = (level: 'warn' | 'error', msg: string) =>
    logger[level](requestId === undefined ? msg : { req_id: requestId, msg });
  if (e instanceof EventBusUnavailable) {
    log('warn', `state change refused: ${e.message}: ${causeOf(e)}`);
    return new TemporarilyUnavailable('the service cannot record this change now; retry');
  }
  if (e instanceof StoreUnavailable) {
    log('warn', `request refused: ${e.message}: ${causeOf(e)}`);
    return new TemporarilyUnavailable('the service cannot check token state now; retry');
  }
  if (e instanceof HttpException && e.getStatus() < 500) return e;
  // The client went away, or was cut off by REQUEST_TIMEOUT_MS, before its body arrived: no
  // fault of ours, and a stalling client must not be able to fill the error log.
  if ((e as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET')
    return new InvalidRequest('the request body did not arrive');
  log('error', e instanceof Error ? (e.stack ?? e.message) : String(e));
  return new ServerError('the server could not handle the request');
}

export function sendOAuthError(reply: FastifyReply, e: OAuthError | HttpException): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (e instanceof HttpException) {
    const status = e.getStatus();
    send(reply, status, httpErrorCode(status), httpDescription(status));
    return;
  }
  for (const [name, value] of Object.entries(e.headers)) reply.header(name, value);
  send(reply, e.status, e.error, e.description);
}

function send(reply: FastifyReply, status: number, error: string, description: string): void {
  markReplyError(reply, error);
  reply.status(status).send({ error, error_description: safeErrorDescription(error, description) });
}

/** Nest raises HttpExceptions for routing and for Fastify's body limit (413). */
function httpErrorCode(status: number): string {
  return status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : 'invalid_request';
}

/**
 * Their messages can quote the request (Nest's 404 is "Cannot POST /the/path"), so they are never
 * sent: the status alone picks the description (RFC 6749 §5.2: never echo request input).
 */
function httpDescription(status: number): string {
  return HTTP_DESCRIPTIONS[status] ?? 'the request cannot be handled';
}

const HTTP_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'the request is malformed',
  404: 'there is no endpoint for this method and path',
  405: 'this method is not allowed here',
  408: 'the request did not arrive in time',
  413: 'the request body is too large',
  414: 'the request URL is too long',
  415: 'the content type is not supported',
};

function causeOf(e: Error): string {
  return e.cause instanceof Error ? e.cause.message : String(e.cause);
}
