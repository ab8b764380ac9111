import { AppConfig } from '@app/config';
import { EventBus, EventFactory, LifecycleEvent } from '@app/events';
import { NotFound } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { ClientTokensRevoker, LifecycleProjection, RevocationRecorder } from '@app/projection';
import {
  MemoryExchangeChainStore,
  GrantRecord,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryTokenStore,
  Revocation,
  RevocationStore,
  StoreUnavailable,
} from '@app/store';
import { RevokeInBulkUseCase } from './revoke-in-bulk.usecase';
import { WithdrawGrantUseCase } from './withdraw-grant.usecase';

const MAX_TOKEN_TTL = 900;
const SESSION_MAX_TTL = 30 * 86_400;
const grant = (over: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: 'g-1',
  subject: 'alice',
  clientId: 'web',
  scopes: ['openid'],
  resources: [],
  authTime: 1_700_000_000,
  amr: ['pwd'],
  idTokenClaims: {},
  userinfoClaims: {},
  createdAt: Date.now(),
  lastUsedAt: Date.now(),
  ...over,
});

/** Both use cases over an in-memory grant store, a recording bus and a recording store. */
function setup(options: { storeDown?: boolean; logDown?: boolean } = {}) {
  const steps: string[] = [];
  const bus = {
    publish: jest.fn(async (e: LifecycleEvent) => {
      if (options.logDown) throw new Error('log unreachable');
      steps.push(`event ${e.type}`);
    }),
  };
  const revoked: Revocation[] = [];
  const revocations = {
    revoke: jest.fn(async (r: Revocation) => {
      if (options.storeDown) throw new StoreUnavailable();
      steps.push(`store ${r.kind}`);
      revoked.push(r);
      return true;
    }),
  };
  const grants = new MemoryGrantStore();
  const config = {
    maxTokenTtl: MAX_TOKEN_TTL,
    signIn: { sessionMaxTtl: SESSION_MAX_TTL },
  } as AppConfig;
  const events = new EventFactory('urn:test:admin');
  const registry = { client: (id: string) => (id === 'web' ? { clientId: id } : undefined) };
  const projection = new LifecycleProjection(
    config,
    new MemoryTokenStore(),
    revocations as unknown as RevocationStore,
    new MemoryRefreshTokenStore(),
    grants,
    new MemoryExchangeChainStore(),
  );
  const recorder = new RevocationRecorder(projection, bus as unknown as EventBus);
  const bulk = new RevokeInBulkUseCase(
    config,
    grants,
    events,
    registry as unknown as ClientRegistry,
    recorder,
    new ClientTokensRevoker(config, events, recorder),
  );
  const withdraw = new WithdrawGrantUseCase(config, grants, events, recorder);
  const published = () => bus.publish.mock.calls.map(([e]) => e);
  return { bulk, withdraw, grants, steps, revoked, published };
}

describe('admin revocations', () => {
  // A frozen clock: `exp` is whole seconds, and must not tick between the call and the check.
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_500 }));
  afterEach(() => jest.useRealTimers());
  const expectedExp = () => Math.floor(Date.now() / 1000) + MAX_TOKEN_TTL + 60;
  /** As long as a grant created before now, and so its refresh tokens, can live. */
  const clientExp = () => Math.floor(Date.now() / 1000) + SESSION_MAX_TTL + 60;

  it('revokes a grant: the event acknowledged first, then the store, then the record ends', async () => {
    const { bulk, grants, steps, revoked } = setup();
    await grants.save(grant(), Date.now() + 60_000);
    const answer = await bulk.execute({ kind: 'grant', grantId: 'g-1' });
    expect(answer).toEqual({
      revoked: 'grant',
      grant_id: 'g-1',
      client_id: 'web',
      exp: expectedExp(),
    });
    expect(steps).toEqual(['event grant.revoked', 'store grant']);
    expect(revoked).toEqual([
      { kind: 'grant', clientId: 'web', grantId: 'g-1', expiresAt: expectedExp() * 1000 },
    ]);
    await expect(grants.find('g-1')).resolves.toBeNull();
  });

  it('answers 404 for a grant that is not live, and records nothing', async () => {
    const { bulk, steps } = setup();
    await expect(bulk.execute({ kind: 'grant', grantId: 'nope' })).rejects.toThrow(NotFound);
    await expect(bulk.execute({ kind: 'client', clientId: 'nope' })).rejects.toThrow(NotFound);
    expect(steps).toEqual([]);
  });

  it("revokes a client's tokens issued up to now", async () => {
    const { bulk, revoked, published } = setup();
    const before = Date.now();
    const answer = await bulk.execute({ kind: 'client', clientId: 'web' });
    expect(answer).toMatchObject({ revoked: 'client', client_id: 'web', exp: clientExp() });
    const at = (answer as { revoked_at: number }).revoked_at;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(revoked).toEqual([
      { kind: 'client', clientId: 'web', revokedAt: at, expiresAt: clientExp() * 1000 },
    ]);
    expect(published().map((e) => [e.type, e.subject, e.data])).toEqual([
      [
        'client.tokens_revoked',
        'web',
        { client_id: 'web', revoked_at: at, exp: clientExp(), reason: 'admin' },
      ],
    ]);
  });

  it("revokes a subject and each of its live grants, other subjects' untouched", async () => {
    const { bulk, grants, steps, revoked, published } = setup();
    await grants.save(grant({ grantId: 'g-1', createdAt: 1 }), Date.now() + 60_000);
    await grants.save(
      grant({ grantId: 'g-2', clientId: 'pairwise', createdAt: 2 }),
      Date.now() + 60_000,
    );
    await grants.save(grant({ grantId: 'g-3', subject: 'bob' }), Date.now() + 60_000);
    const answer = await bulk.execute({ kind: 'subject', subject: 'alice' });
    expect(answer).toMatchObject({
      revoked: 'subject',
      subject: 'alice',
      grant_ids: ['g-1', 'g-2'],
    });
    expect(steps.slice(0, 3).every((s) => s.startsWith('event'))).toBe(true);
    expect(steps.slice(3).every((s) => s.startsWith('store'))).toBe(true);
    expect(published().map((e) => [e.type, e.data])).toEqual([
      [
        'subject.tokens_revoked',
        expect.objectContaining({ sub: 'alice', reason: 'admin', exp: expectedExp() }),
      ],
      ['grant.revoked', expect.objectContaining({ grant_id: 'g-1', reason: 'subject_revoked' })],
      ['grant.revoked', expect.objectContaining({ grant_id: 'g-2', client_id: 'pairwise' })],
    ]);
    expect(revoked.map((r) => r.kind)).toEqual(['subject', 'grant', 'grant']);
    await expect(grants.pageBySubject('alice', 10)).resolves.toEqual({ grants: [] });
    await expect(grants.pageBySubject('bob', 10)).resolves.toMatchObject({
      grants: [expect.anything()],
    });
  });

  it('revokes every live grant of a subject, past one page of its index too', async () => {
    const { bulk, grants } = setup();
    const ids = Array.from({ length: 1203 }, (_, i) => `g-${String(i).padStart(4, '0')}`);
    for (const grantId of ids) await grants.save(grant({ grantId }), Date.now() + 60_000);
    const answer = await bulk.execute({ kind: 'subject', subject: 'alice' });
    expect(answer).toMatchObject({ revoked: 'subject', grant_ids: ids });
    await expect(grants.pageBySubject('alice', 10)).resolves.toEqual({ grants: [] });
  });

  it('answers once the log acknowledged, even when the store is down', async () => {
    const { bulk, withdraw, grants, published } = setup({ storeDown: true });
    await grants.save(grant(), Date.now() + 60_000);
    await expect(bulk.execute({ kind: 'client', clientId: 'web' })).resolves.toBeDefined();
    await expect(withdraw.execute('g-1')).resolves.toBeUndefined();
    expect(published().map((e) => e.type)).toEqual(['client.tokens_revoked', 'grant.revoked']);
  });

  it('writes nothing when the log does not acknowledge', async () => {
    const { bulk, grants, steps } = setup({ logDown: true });
    await grants.save(grant(), Date.now() + 60_000);
    await expect(bulk.execute({ kind: 'grant', grantId: 'g-1' })).rejects.toThrow(
      'log unreachable',
    );
    expect(steps).toEqual([]);
    await expect(grants.find('g-1')).resolves.not.toBeNull();
  });

  it('withdraws a grant with reason withdrawn, and 404s one that is not live', async () => {
    const { withdraw, grants, published } = setup();
    await grants.save(grant(), Date.now() + 60_000);
    await withdraw.execute('g-1');
    expect(published()[0]?.data).toEqual({
      grant_id: 'g-1',
      client_id: 'web',
      exp: expectedExp(),
      reason: 'withdrawn',
    });
    await expect(grants.find('g-1')).resolves.toBeNull();
    await expect(withdraw.execute('g-1')).rejects.toThrow(NotFound);
  });
});
