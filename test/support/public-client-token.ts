import { ClientRegistry } from '@app/registry';
import { AccessTokenMinter } from '../../apps/issuance/src/access-token.minter';
import { PUBLIC_CLIENT_ID, RESOURCES } from '../fixtures/test-registry';
import { StandaloneServer } from './standalone-server';

/**
 * An access token issued to the public client, minted in-process by the minter every grant uses
 * (its record and its token.issued event are the real ones), without the code a redemption over
 * HTTP would need first (test/support/sign-in-seed.ts seeds one where a suite wants that).
 */
export async function publicClientToken(sut: StandaloneServer): Promise<string> {
  const registry = sut.app.get(ClientRegistry);
  const minted = await sut.app.get(AccessTokenMinter).mint({
    client: registry.client(PUBLIC_CLIENT_ID)!,
    resource: registry.resource(RESOURCES.orders.identifier)!,
    scopes: ['orders:read'],
    grantType: 'authorization_code',
    subject: 'user-alice',
  });
  return minted.access_token;
}
