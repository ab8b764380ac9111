import {
  MemoryExchangeChainStore,
  MemoryProjectionMarker,
  MemoryRevocationStore,
  ProjectedRevocationStore,
  ProjectionGate,
} from '@app/store';
import { exchangeGrantId } from './exchange-grant';
import { ExchangeChainProjection } from './exchange-chain.projection';
import { issuedTokenOf, tokenIssuedData } from './token-issued.codec';

const now = () => Math.floor(Date.now() / 1000);
let counter = 0;
const unique = (p: string) => `${p}-${++counter}`;

/** An exchanged token's `token.issued` v6, as the projection reads it. */
function exchangedToken(clientId: string, subject: { clientId: string; jti: string }) {
  return issuedTokenOf(
    tokenIssuedData({
      kind: 'access_token',
      jti: unique('jti'),
      clientId,
      sub: 'user-1',
      aud: 'https://ledger.example.com',
      scope: 'ledger:read',
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      grantId: exchangeGrantId(subject.clientId, subject.jti),
      iat: now(),
      exp: now() + 300,
      act: { sub: clientId },
      exchange: { kind: 'delegation', subjectJti: subject.jti, subjectClientId: subject.clientId },
    }),
  );
}

/**
 * A replay rebuilds the store before the projection marker is written: every read the gate
 * guards answers "not found" with StoreUnavailable then. The projection itself must read what it
 * has applied so far, or the replay fails at the first exchange and never finishes.
 */
describe('ExchangeChainProjection during a rebuild (no projection marker)', () => {
  const setup = () => {
    const applied = new MemoryRevocationStore();
    const gated = new ProjectedRevocationStore(
      applied,
      new ProjectionGate(new MemoryProjectionMarker(), { projected: true }),
    );
    return { applied, sut: new ExchangeChainProjection(new MemoryExchangeChainStore(), gated) };
  };

  it('applies an exchange whose subject token is not revoked', async () => {
    const { applied, sut } = setup();
    const token = exchangedToken(unique('ledger'), { clientId: unique('orders'), jti: 'root' });
    await expect(sut.exchanged(token)).resolves.toBeUndefined();
    const subject = {
      clientId: token.clientId,
      jti: token.jti,
      grantId: token.grantId!,
      iat: now(),
    };
    await expect(applied.isRevoked(subject)).resolves.toBe(false);
  });

  it('revokes an exchange whose subject token was revoked earlier in the log', async () => {
    const { applied, sut } = setup();
    const root = { clientId: unique('orders'), jti: unique('root') };
    await sut.tokenRevoked(root.clientId, root.jti);
    await applied.revoke({ kind: 'token', ...root, expiresAt: (now() + 600) * 1000 });
    const token = exchangedToken(unique('ledger'), root);
    await sut.exchanged(token);
    const exchanged = {
      clientId: token.clientId,
      jti: token.jti,
      grantId: token.grantId!,
      iat: now(),
    };
    await expect(applied.isRevoked(exchanged)).resolves.toBe(true);
  });
});
