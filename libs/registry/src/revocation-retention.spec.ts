import { MemoryEventBus } from '@app/events';
import { MemoryRevocationStore } from '@app/store';
import { CEILING, replicaOn, seedFile } from '../../../test/contract/registry.contract';
import { RegistryRejected } from './registry.errors';

/**
 * Issue 14, "Revocation retention must hold when lifetimes change": the revocation stream keeps
 * an entry MAX_TOKEN_TTL (config.maxTokenTtl), which is also the registry's ceiling on every
 * lifetime. Without the ceiling, a lifetime raised at run time outlives the retention: the
 * revocation leaves the stream while its token is live, and a replica started then, which
 * builds its mirror from the stream, accepts the revoked token.
 */
describe('revocation retention with lifetimes changed at run time', () => {
  const T0 = 1_750_000_000_000;
  afterEach(() => jest.useRealTimers());

  it('keeps a revocation on the stream for as long as any token the registry lets live', async () => {
    const { writer, registry } = await replicaOn(new MemoryEventBus(), seedFile('retention'));
    const api = 'https://seeded.retention.example';
    // What the stream keeps: the store module builds it with config.maxTokenTtl.
    const stream = new MemoryRevocationStore(CEILING * 1000);
    const raised = writer.replaceResource(api, { scopes: ['read'], access_token_ttl: 2 * CEILING });
    await expect(raised).rejects.toBeInstanceOf(RegistryRejected);
    await expect(raised).rejects.toThrow(/MAX_TOKEN_TTL/);

    jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate'] });
    const ttl = registry.resource(api)!.accessTokenTtl;
    // A token issued now with the longest lifetime the registry allows, revoked at once.
    await stream.revoke({
      kind: 'token',
      clientId: 'c',
      jti: 'revoked',
      expiresAt: T0 + ttl * 1000,
    });
    // A second before it expires another revocation trims the stream, and a replica starts.
    jest.setSystemTime(T0 + ttl * 1000 - 1000);
    await stream.revoke({
      kind: 'token',
      clientId: 'c',
      jti: 'later',
      expiresAt: T0 + 2 * ttl * 1000,
    });
    const { entries } = await stream.read('0-0', 0);
    const jtis = entries.flatMap((e) =>
      'revocation' in e && e.revocation.kind === 'token' ? [e.revocation.jti] : [],
    );
    expect(jtis).toContain('revoked');
  });

  it('does not apply a lifetime above the ceiling read from the log either', async () => {
    const bus = new MemoryEventBus();
    const { registry } = await replicaOn(bus, seedFile('retention-log'));
    const api = 'https://seeded.retention-log.example';
    const { EventFactory } = await import('@app/events');
    registry.apply(
      new EventFactory('urn:test:older-writer').create('resource.updated', api, `resource:${api}`, {
        identifier: api,
        resource: { identifier: api, scopes: ['read'], access_token_ttl: CEILING + 1 },
      }),
    );
    expect(registry.resource(api)!.accessTokenTtl).toBeLessThanOrEqual(CEILING);
  });
});
