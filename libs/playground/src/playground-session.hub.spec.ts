import type { AppConfig } from '@app/config';
import { AnyLifecycleEvent, EventFactory, MemoryEventBus } from '@app/events';
import { OPAQUE_TOKEN_ISSUED } from '../../../test/support/token-issued.fixture';
import { PlaygroundSessionHub } from './playground-session.hub';

const factory = new EventFactory('urn:token-lifecycle:test:1');
const issued = (jti: string, grantId?: string) =>
  factory.create('token.issued', jti, grantId ?? 'svc', {
    ...OPAQUE_TOKEN_ISSUED,
    jti,
    ...(grantId ? { grant_id: grantId } : { grant_id: undefined }),
  });
const grantRevoked = (grantId: string) =>
  factory.create('grant.revoked', grantId, grantId, {
    grant_id: grantId,
    client_id: 'web-app',
    exp: 1_700_003_600,
    reason: 'refresh_token_reuse',
  });

describe('PlaygroundSessionHub', () => {
  let bus: MemoryEventBus;
  let sut: PlaygroundSessionHub;

  async function start(playground = true) {
    bus = new MemoryEventBus();
    sut = new PlaygroundSessionHub({ playground } as AppConfig, bus);
  }

  function listen(id: string): AnyLifecycleEvent[] {
    const seen: AnyLifecycleEvent[] = [];
    sut.listen(id, (e) => seen.push(e));
    return seen;
  }

  it('streams only the events of the grants and tokens the session registered', async () => {
    await start();
    const mine = sut.open();
    const theirs = sut.open();
    const seenByMine = listen(mine);
    const seenByTheirs = listen(theirs);
    sut.register(mine, { jti: 'jti-a', grantId: 'grant-a' });
    sut.register(theirs, { jti: 'jti-b', grantId: 'grant-b' });

    await bus.publish(issued('jti-a2', 'grant-a'));
    await bus.publish(issued('jti-b2', 'grant-b'));
    await bus.publish(grantRevoked('grant-b'));
    await bus.publish(issued('jti-c'));

    expect(seenByMine.map((e) => e.subject)).toEqual(['jti-a2']);
    expect(seenByTheirs.map((e) => `${e.type} ${e.subject}`)).toEqual([
      'token.issued jti-b2',
      'grant.revoked grant-b',
    ]);
  });

  it('hands a session the recent events of what it registers, once', async () => {
    await start();
    // The page opens its session when it loads; the grant's token.issued is acknowledged before
    // the token answer reaches the page, which registers it after.
    const id = sut.open();
    await bus.publish(issued('jti-a', 'grant-a'));
    await bus.publish(issued('jti-other', 'grant-other'));
    const seen = listen(id);

    sut.register(id, { jti: 'jti-a', grantId: 'grant-a' });
    sut.register(id, { jti: 'jti-a', grantId: 'grant-a' });

    expect(seen.map((e) => e.subject)).toEqual(['jti-a']);
  });

  it('keeps no event while no session is open (nothing could ever ask for it)', async () => {
    await start();
    await bus.publish(issued('jti-early', 'grant-early'));
    const id = sut.open();
    const seen = listen(id);
    sut.register(id, { jti: 'jti-early', grantId: 'grant-early' });
    expect(seen).toEqual([]);
  });

  it('follows a client-credentials token by its jti alone', async () => {
    await start();
    const id = sut.open();
    const seen = listen(id);
    sut.register(id, { jti: 'jti-cc' });
    await bus.publish(issued('jti-cc'));
    await bus.publish(issued('jti-else'));
    expect(seen.map((e) => e.subject)).toEqual(['jti-cc']);
  });

  it('knows no session it did not open', async () => {
    await start();
    expect(sut.register('guessed', { jti: 'jti-a' })).toBe(false);
    expect(sut.listen('guessed', () => undefined)).toBeUndefined();
  });

  it('stops delivering to a listener that left', async () => {
    await start();
    const id = sut.open();
    const seen: AnyLifecycleEvent[] = [];
    const stop = sut.listen(id, (e) => seen.push(e))!;
    sut.register(id, { jti: 'jti-a', grantId: 'grant-a' });
    stop();
    await bus.publish(grantRevoked('grant-a'));
    expect(seen).toEqual([]);
  });

  it('does not follow the bus when PLAYGROUND is off', async () => {
    await start(false);
    const id = sut.open();
    const seen = listen(id);
    sut.register(id, { jti: 'jti-a', grantId: 'grant-a' });
    await bus.publish(grantRevoked('grant-a'));
    expect(seen).toEqual([]);
  });
});
