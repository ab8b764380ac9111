import { ClientConfig } from '@app/config';
import { InvalidRequest } from '@app/oauth';

/**
 * RFC 9126 §6: a client registered with `require_pushed_authorization_requests` sends its
 * authorization requests only through `/oauth2/par`, so their parameters never travel in a URL.
 */
export function checkParRequired(client: ClientConfig, pushed: boolean): void {
  if (client.requirePushedAuthorizationRequests && !pushed)
    throw new InvalidRequest('this client must push its authorization requests (PAR)');
}
