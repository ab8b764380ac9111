import { Logger } from '@nestjs/common';
import { EventBusUnavailable } from '@app/events';
import { OAuthError, ServerError, TemporarilyUnavailable } from '@app/oauth';
import { StoreUnavailable } from '@app/store';

const logger = new Logger('FrontChannel');

/**
 * Any failure as the RFC error a browser flow can carry (RFC 6749 §4.1.2.1 lists
 * `server_error` and `temporarily_unavailable` for the authorization endpoint): the cause of an
 * unexpected one is logged here, never sent, as OAuthExceptionFilter does for the back channel.
 */
export function asOAuthError(e: unknown): OAuthError {
  if (e instanceof OAuthError) return e;
  if (e instanceof EventBusUnavailable || e instanceof StoreUnavailable) {
    logger.warn(`sign-in step refused: ${e.message}`);
    return new TemporarilyUnavailable('the service cannot record this sign-in now; retry');
  }
  logger.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return new ServerError('the server could not handle the request');
}
