import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Conflict, InvalidRequest, NotFound, OAuthError, sendOAuthError } from '@app/oauth';
import { RegistryConflict, RegistryNotFound, RegistryRejected } from '@app/registry';

/** RFC 6749 §5.2 allows no `"` or `\` in error_description; the parser's messages quote names. */
const describe = (text: string) => text.replace(/"/g, "'").replace(/[^\x20-\x7e]|\\/g, '?');

/**
 * The registry's refusals as the admin API answers them (docs/openapi.yaml): a bad
 * document 400 `invalid_request`, its description starting with the JSON path of the bad member
 * (`$.resources[0]: names no resource…`); an id taken, or a resource in use, 409 `conflict`; an
 * unknown id 404 `not_found`. `no-store`, as every error.
 */
@Catch(RegistryRejected, RegistryConflict, RegistryNotFound)
export class RegistryErrorFilter implements ExceptionFilter {
  catch(e: RegistryRejected | RegistryConflict | RegistryNotFound, host: ArgumentsHost): void {
    sendOAuthError(host.switchToHttp().getResponse<FastifyReply>(), toOAuthError(e));
  }
}

export function toOAuthError(
  e: RegistryRejected | RegistryConflict | RegistryNotFound,
): OAuthError {
  if (e instanceof RegistryRejected)
    return new InvalidRequest(bounded(`${e.path}: ${describe(e.description)}`));
  if (e instanceof RegistryConflict) return new Conflict(bounded(describe(e.description)));
  return new NotFound(describe(e.description));
}

/** Within the 200 characters a description may have (a long list of clients is cut). */
function bounded(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 196)} ...`;
}
