import { AppConfig } from '@app/config';
import { EventFactory, MemoryEventBus } from '@app/events';
import { ClientAuthenticator } from '@app/oauth';
import { GrantRevoker, RefreshTokenLookup } from '@app/platform';
import { LifecycleProjection } from '@app/projection';
import { ClientRegistry } from '@app/registry';
import {
  MemoryExchangeChainStore,
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
  TOKEN_OWNER,
  tokenRequest,
  TokenStoreStates,
} from '../../../test/support/token-lookup-outage';
import { RevokeTokenUseCase } from './revoke-token.usecase';

const config = {
  issuer: ISSUER,
  maxTokenTtl: 900,
  endpoints: { revocation: `${ISSUER}/oauth2/revoke` },
  mtls: { trustedProxies: [], clientCa: [] } as unknown as AppConfig['mtls'],
} as AppConfig;
const revoke = (token: string) => tokenRequest('/oauth2/revoke', token);

/**
 * RFC 7009 §2.2 answers 200 for an unknown token, but "unknown" is an answer only from a
 * complete projection (issue 9 item 5): a store being rebuilt from the log, or unreachable,
 * makes the revocation fail (StoreUnavailable: 503 with Retry-After), never acknowledged
 * without its event.
 */
describe('RevokeTokenUseCase when the token cannot be looked up', () => {
  let keys: KeyRing;
  let bus: MemoryEventBus;
  let store: TokenStoreStates;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256']);
  });
  beforeEach(() => {
    bus = new MemoryEventBus();
    store = new TokenStoreStates();
  });

  const useCase = (tokens: TokenStore) => {
    const registry = new ClientRegistry({ clients: [TOKEN_OWNER], resources: [], users: [] });
    const revocations = new MemoryRevocationStore();
    const refreshStore = new MemoryRefreshTokenStore();
    const events = new EventFactory('urn:token-lifecycle:revocation:test');
    const grants = new MemoryGrantStore();
    const projection = new LifecycleProjection(
      config,
      tokens,
      revocations,
      refreshStore,
      grants,
      new MemoryExchangeChainStore(),
    );
    return new RevokeTokenUseCase(
      config,
      ownerAuthenticator() as unknown as ClientAuthenticator,
      new AccessTokenReader(new JwtAccessTokenFormat(keys, ISSUER), tokens),
      revocations,
      new RefreshTokenLookup(refreshStore, grants, revocations),
      new GrantRevoker(config, registry, projection, bus, events),
      bus,
      events,
      projection,
    );
  };

  it.each([
    ['is being rebuilt (no projection marker)', () => store.projected()],
    ['is unreachable', () => store.unreachable()],
  ])(
    'rejects with StoreUnavailable while the store %s, and publishes nothing',
    async (_, tokens) => {
      const { token } = OpaqueTokenFormat.mint('at');
      await expect(useCase(tokens()).execute(revoke(token))).rejects.toBeInstanceOf(
        StoreUnavailable,
      );
      expect(bus.events()).toEqual([]);
    },
  );

  it('once the projection is complete, records the replayed token and answers an unknown one', async () => {
    const replayed = await store.replayed('jti-replayed');
    const sut = useCase(store.projected());

    await expect(sut.execute(revoke(OpaqueTokenFormat.mint('at').token))).resolves.toBeUndefined();
    expect(bus.events()).toEqual([]);
    await expect(sut.execute(revoke(replayed.token))).resolves.toBeUndefined();
    expect(bus.events()).toEqual([
      expect.objectContaining({
        type: 'token.revoked',
        data: expect.objectContaining({ jti: 'jti-replayed', token_digest: replayed.digest }),
      }),
    ]);
  });
});
