import { ClientConfig } from '@app/config';
import { UnauthorizedClient } from '@app/oauth';
import { GrantHandler } from '../grants/grant-handler';

/**
 * RFC 6749 §5.2 `unauthorized_client`: the client is not registered for the grant, or it is a
 * public client (RFC 6749 §2.1) and the grant is for confidential clients only (client
 * credentials, §4.4). The configuration refuses such a registration already; this holds
 * whatever the source of the client.
 */
export function checkClientMayUseGrant(client: ClientConfig, grant: GrantHandler): void {
  if (!client.grantTypes.includes(grant.grantType))
    throw new UnauthorizedClient(`the client may not use the ${grant.grantType} grant`);
  if (client.authMethod === 'none' && !grant.publicClients)
    throw new UnauthorizedClient(`a public client may not use the ${grant.grantType} grant`);
}
