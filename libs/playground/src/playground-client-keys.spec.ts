import type { AppConfig } from '@app/config';
import { MemoryEventBus } from '@app/events';
import { MAX_CLIENT_KEYS, PlaygroundClientKeys } from './playground-client-keys';
import { PlaygroundClientKey } from './playground-client-key';
import { PlaygroundSessionHub } from './playground-session.hub';

const key = (kid: string): PlaygroundClientKey => ({
  kty: 'EC',
  crv: 'P-256',
  x: 'x'.repeat(43),
  y: 'y'.repeat(43),
  kid,
  alg: 'ES256',
  use: 'sig',
});

describe('PlaygroundClientKeys', () => {
  let hub: PlaygroundSessionHub;
  let sut: PlaygroundClientKeys;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    hub = new PlaygroundSessionHub({ playground: false } as AppConfig, new MemoryEventBus());
    sut = new PlaygroundClientKeys(hub);
  });
  afterEach(() => jest.useRealTimers());

  it("publishes one key per open session, the latest replacing the session's earlier one", () => {
    const a = hub.open();
    const b = hub.open();
    expect(sut.publish(a, key('a1'))).toBe(true);
    expect(sut.publish(b, key('b1'))).toBe(true);
    expect(sut.publish(a, key('a2'))).toBe(true);
    expect(sut.jwks().keys.map((k) => k.kid)).toEqual(['b1', 'a2']);
  });

  it('publishes nothing for a session it did not open', () => {
    expect(sut.publish('guessed', key('g'))).toBe(false);
    expect(sut.jwks().keys).toEqual([]);
  });

  it('drops the key once its session is idle past its lifetime (the TTL is the session’s)', () => {
    const a = hub.open();
    sut.publish(a, key('a1'));
    jest.advanceTimersByTime(29 * 60_000);
    expect(sut.jwks().keys).toHaveLength(1);
    jest.advanceTimersByTime(2 * 60_000);
    expect(sut.jwks().keys).toEqual([]);
    expect(sut.publish(a, key('a2'))).toBe(false);
  });

  it('keeps a listened-to session’s key however long it is open', () => {
    const a = hub.open();
    hub.listen(a, () => undefined);
    sut.publish(a, key('a1'));
    jest.advanceTimersByTime(3 * 60 * 60_000);
    expect(sut.jwks().keys).toHaveLength(1);
  });

  it(`publishes at most ${MAX_CLIENT_KEYS} keys, dropping the oldest`, () => {
    const sessions = Array.from({ length: MAX_CLIENT_KEYS + 1 }, () => hub.open());
    sessions.forEach((s, i) => sut.publish(s, key(`k${i}`)));
    const kids = sut.jwks().keys.map((k) => k.kid);
    expect(kids).toHaveLength(MAX_CLIENT_KEYS);
    expect(kids).not.toContain('k0');
    expect(kids).toContain(`k${MAX_CLIENT_KEYS}`);
  });
});
