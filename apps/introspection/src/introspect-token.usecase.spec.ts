import { AppConfig, FailurePolicy } from '@app/config';
import { ClientAuthenticator } from '@app/oauth';
import { RefreshTokenLookup } from '@app/platform';
import {
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  StoreUnavailable,
  TokenStore,
} from '@app/store';
import { AccessTokenReader, JwtAccessTokenFormat, KeyRing, OpaqueTokenFormat } from '@app/tokens';
import {
  OUTAGE_ISSUER as ISSUER,
  ownerAuthenticator,
  tokenRequest,
  TokenStoreStates,
} from '../../../test/support/token-lookup-outage';
import { IntrospectTokenUseCase } from './introspect-token.usecase';

const introspect = (token: string) => tokenRequest('/oauth2/introspect', token);

/**
 * A valid opaque token looked up while the store is rebuilt from the log (or unreachable) is
 * StoreUnavailable (503 with Retry-After), never `{"active": false}` (issue 9 item 5): a caller
 * told "inactive" would drop a good token. The failure policy does not change that: fail-open
 * concerns revocation state, not whether the token exists.
 */
describe('IntrospectTokenUseCase when the token cannot be looked up', () => {
  let keys: KeyRing;
  let store: TokenStoreStates;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256']);
  });
  beforeEach(() => {
    store = new TokenStoreStates();
  });

  const useCase = (tokens: TokenStore, policy: FailurePolicy = 'fail-closed') => {
    const config = {
      issuer: ISSUER,
      endpoints: { introspection: `${ISSUER}/oauth2/introspect` },
      mtls: { trustedProxies: [], clientCa: [] } as unknown as AppConfig['mtls'],
      revocationFailurePolicy: policy,
    } as AppConfig;
    const revocations = new MemoryRevocationStore();
    return new IntrospectTokenUseCase(
      config,
      ownerAuthenticator() as unknown as ClientAuthenticator,
      new AccessTokenReader(new JwtAccessTokenFormat(keys, ISSUER), tokens),
      new RefreshTokenLookup(new MemoryRefreshTokenStore(), new MemoryGrantStore(), revocations),
      revocations,
    );
  };

  describe.each<FailurePolicy>(['fail-closed', 'fail-open'])('under %s', (policy) => {
    it.each([
      ['is being rebuilt (no projection marker)', () => store.projected()],
      ['is unreachable', () => store.unreachable()],
    ])('rejects with StoreUnavailable while the store %s', async (_, tokens) => {
      const { token } = OpaqueTokenFormat.mint('at');
      await expect(useCase(tokens(), policy).execute(introspect(token))).rejects.toBeInstanceOf(
        StoreUnavailable,
      );
    });
  });

  it('once the projection is complete, finds the replayed token and not an unknown one', async () => {
    const replayed = await store.replayed('jti-replayed');
    const sut = useCase(store.projected());

    await expect(sut.execute(introspect(replayed.token))).resolves.toMatchObject({
      active: true,
      jti: 'jti-replayed',
    });
    await expect(sut.execute(introspect(OpaqueTokenFormat.mint('at').token))).resolves.toEqual({
      active: false,
    });
  });
});

// RFC 9449 §6.2, RFC 8705 §3.2: a bound token's answer says how it is bound, so that a resource
// server relying on introspection checks the sender as one validating a JWT would.
describe('IntrospectTokenUseCase for a sender-constrained token', () => {
  const THUMBPRINT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
  let keys: KeyRing;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256']);
  });

  const useCase = (tokens: TokenStore) => {
    const revocations = new MemoryRevocationStore();
    return new IntrospectTokenUseCase(
      {
        issuer: ISSUER,
        endpoints: { introspection: `${ISSUER}/oauth2/introspect` },
        mtls: { trustedProxies: [], clientCa: [] } as unknown as AppConfig['mtls'],
        revocationFailurePolicy: 'fail-closed',
      } as AppConfig,
      ownerAuthenticator() as unknown as ClientAuthenticator,
      new AccessTokenReader(new JwtAccessTokenFormat(keys, ISSUER), tokens),
      new RefreshTokenLookup(new MemoryRefreshTokenStore(), new MemoryGrantStore(), revocations),
      revocations,
    );
  };

  it.each([
    ['a DPoP key', { jkt: THUMBPRINT }, 'DPoP'],
    ['a TLS client certificate', { 'x5t#S256': THUMBPRINT }, 'Bearer'],
  ] as const)(
    'answers cnf and the token type of an opaque token bound to %s',
    async (_, cnf, type) => {
      const store = new TokenStoreStates();
      const { token } = await store.replayed('jti-bound', { cnf });
      await expect(useCase(store.projected()).execute(introspect(token))).resolves.toMatchObject({
        active: true,
        token_type: type,
        cnf,
      });
    },
  );

  it('answers Bearer and no cnf for a bearer token', async () => {
    const store = new TokenStoreStates();
    const { token } = await store.replayed('jti-bearer');
    const answer = await useCase(store.projected()).execute(introspect(token));
    expect(answer).toMatchObject({ active: true, token_type: 'Bearer' });
    expect(answer).not.toHaveProperty('cnf');
  });
});
