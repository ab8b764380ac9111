import { AppConfig } from '@app/config';
import { EventFactory, MemoryEventBus } from '@app/events';
import { InteractionChallenge, LoginAcceptance, MemoryBrowserSessionStore } from '@app/store';
import { tokenDigest } from '@app/tokens';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { BrowserSessionStarter } from './browser-session.starter';

const CONFIG = {
  issuer: 'https://id.example',
  signIn: { sessionMaxTtl: 86_400 },
} as unknown as AppConfig;

const login = (over: Partial<LoginAcceptance> = {}): LoginAcceptance => ({
  kind: 'login',
  subject: 'alice',
  amr: ['pwd'],
  remember: true,
  rememberFor: 3600,
  ...over,
});

const challenge = (over: Partial<InteractionChallenge> = {}) =>
  ({ clientId: 'web', skip: false, ...over }) as InteractionChallenge;

describe('BrowserSessionStarter', () => {
  let store: MemoryBrowserSessionStore;
  let bus: MemoryEventBus;
  let cookies: BrowserCookies;
  let sut: BrowserSessionStarter;

  beforeEach(() => {
    store = new MemoryBrowserSessionStore();
    bus = new MemoryEventBus();
    cookies = new BrowserCookies(CONFIG);
    sut = new BrowserSessionStarter(CONFIG, store, bus, new EventFactory('urn:test'), cookies);
  });

  const jarWith = (value: string) => new Map([[cookies.sessionName, value]]);
  const types = () => bus.events().map((e) => e.type);

  it('starts a session: session.started, the digest stored, a remembered cookie with Max-Age', async () => {
    const { session, cookie } = await sut.start(new Map(), challenge(), login());
    expect(cookie).toEqual({ name: '__Host-session', value: expect.any(String), maxAge: 3600 });
    expect(await store.find(tokenDigest(cookie.value))).toEqual(session);
    expect(types()).toEqual(['session.started']);
    expect(bus.events()[0]!.data).toMatchObject({
      sid: session.sid,
      sub: 'alice',
      client_id: 'web',
    });
  });

  it('caps remember_for at SESSION_MAX_TTL_SECONDS, and sets no Max-Age without remember', async () => {
    expect(
      (await sut.start(new Map(), challenge(), login({ rememberFor: 10 ** 9 }))).cookie.maxAge,
    ).toBe(86_400);
    expect(
      (await sut.start(new Map(), challenge(), login({ remember: false }))).cookie.maxAge,
    ).toBeUndefined();
  });

  it('rotates the cookie on a fresh login: new value, new sid, the old value worthless', async () => {
    const first = await sut.start(new Map(), challenge(), login());
    const second = await sut.start(
      jarWith(first.cookie.value),
      challenge(),
      login({ subject: 'bob' }),
    );
    expect(second.cookie.value).not.toBe(first.cookie.value);
    expect(second.session.sid).not.toBe(first.session.sid);
    expect(await store.find(tokenDigest(first.cookie.value))).toBeNull();
    expect(await store.find(tokenDigest(second.cookie.value))).toMatchObject({ subject: 'bob' });
    expect(types()).toEqual(['session.started', 'session.ended', 'session.started']);
    expect(bus.events()[1]!.data).toMatchObject({ sid: first.session.sid, reason: 'replaced' });
  });

  it('keeps sid and auth_time of a skipped login of the same user, still under a new cookie value', async () => {
    const first = await sut.start(new Map(), challenge(), login());
    const skipped = challenge({ skip: true, sid: first.session.sid, subject: 'alice' });
    const again = await sut.start(jarWith(first.cookie.value), skipped, login({ amr: ['otp'] }));
    expect(again.session).toEqual(first.session);
    expect(again.cookie.value).not.toBe(first.cookie.value);
    expect(await store.find(tokenDigest(first.cookie.value))).toBeNull();
    expect(types()).toEqual(['session.started']);
  });

  it('starts afresh when the skip was for another user than the one accepted', async () => {
    const first = await sut.start(new Map(), challenge(), login());
    const skipped = challenge({ skip: true, sid: first.session.sid, subject: 'alice' });
    const other = await sut.start(jarWith(first.cookie.value), skipped, login({ subject: 'bob' }));
    expect(other.session.sid).not.toBe(first.session.sid);
  });

  it('ignores a planted cookie value the store does not know', async () => {
    const planted = cookies.mint().value;
    const { cookie } = await sut.start(jarWith(planted), challenge(), login());
    expect(cookie.value).not.toBe(planted);
    expect(await store.find(tokenDigest(planted))).toBeNull();
  });
});
