import { MemoryAuthorizationRequestStore, PendingAuthorizationRequest } from '@app/store';
import { checkRequestUri, REQUEST_URI_PREFIX } from './check-request-uri';
import { paramsOf } from './checks.fixtures';

const PUSHED: PendingAuthorizationRequest = {
  clientId: 'web',
  redirectUri: 'https://rp.example/cb',
  responseMode: 'query',
  scopes: ['openid'],
  resources: [],
  codeChallenge: 'c'.repeat(43),
  codeChallengeMethod: 'S256',
  prompt: [],
  uiLocales: [],
  acrValues: [],
  receivedAt: 0,
};

describe('checkRequestUri (RFC 9126 §4)', () => {
  const uri = `${REQUEST_URI_PREFIX}${'A'.repeat(43)}`;
  let store: MemoryAuthorizationRequestStore;

  beforeEach(async () => {
    store = new MemoryAuthorizationRequestStore();
    await store.save('pushed', uri, PUSHED, Date.now() + 60_000);
  });

  it('is undefined when the request names no request_uri', async () => {
    expect(await checkRequestUri(store, paramsOf({}), 'web')).toBeUndefined();
  });

  it('takes the pushed request once', async () => {
    expect(await checkRequestUri(store, paramsOf({ request_uri: uri }), 'web')).toEqual(PUSHED);
    await expect(
      checkRequestUri(store, paramsOf({ request_uri: uri }), 'web'),
    ).rejects.toMatchObject({
      error: 'invalid_request_uri',
    });
  });

  it('refuses it to another client', async () => {
    await expect(
      checkRequestUri(store, paramsOf({ request_uri: uri }), 'other'),
    ).rejects.toMatchObject({ error: 'invalid_request' });
  });

  it.each(['https://rp.example/request.jwt', `${REQUEST_URI_PREFIX}short`, 'urn:x'])(
    'refuses a request_uri not of ours: %s',
    async (bad) => {
      await expect(
        checkRequestUri(store, paramsOf({ request_uri: bad }), 'web'),
      ).rejects.toMatchObject({
        error: 'invalid_request_uri',
      });
    },
  );
});
