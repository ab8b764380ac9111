import { ClientConfig } from '@app/config';
import { UnauthorizedClient } from '@app/oauth';

/** RFC 6749 §4.1.2.1 `unauthorized_client`: the client did not register the code grant. */
export function checkClientMayUseCode(client: ClientConfig): void {
  if (!client.grantTypes.includes('authorization_code'))
    throw new UnauthorizedClient('the client may not use the authorization code grant');
}
