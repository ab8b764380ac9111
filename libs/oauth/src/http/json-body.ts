import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../errors';
import { parseStrictJson } from './strict-json';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The request body as JSON (`application/json`, RFC 8259); its shape is the use case's to check.
 * Its size is bounded by BODY_LIMIT, as every body of the service is (413 past it): the server
 * hands every body over as a string (libs/platform http-server).
 */
export function jsonBody(contentType: string | undefined, body: unknown): unknown {
  if (!JSON_TYPE.test(contentType ?? ''))
    throw new InvalidRequest('the body must be application/json');
  try {
    return parseStrictJson(typeof body === 'string' ? body : '');
  } catch {
    throw new InvalidRequest('the body is not valid JSON (RFC 8259), or repeats a member name');
  }
}

/** The handler's parameter: the strict JSON body, as `unknown` for the use case to read. */
export const JsonBody = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const req = context.switchToHttp().getRequest<FastifyRequest>();
  return jsonBody(req.headers['content-type'], req.body);
});
