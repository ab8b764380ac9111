import { CROSS_ORIGIN_ENDPOINTS, webOrigins } from './cross-origin';

describe('webOrigins', () => {
  it('is the origins of the http(s) redirect URIs of public clients only', () => {
    const origins = webOrigins([
      {
        authMethod: 'none',
        redirectUris: [
          'https://spa.example/callback',
          'https://spa.example/silent',
          'http://127.0.0.1:5173/cb',
          'com.example.app:/callback',
        ],
      },
      { authMethod: 'client_secret_basic', redirectUris: ['https://server-app.example/cb'] },
    ]);
    expect([...origins].sort()).toEqual(['http://127.0.0.1:5173', 'https://spa.example']);
  });

  it('is empty when no client runs in a browser', () => {
    expect(webOrigins([{ authMethod: 'private_key_jwt', redirectUris: [] }]).size).toBe(0);
  });
});

describe('CROSS_ORIGIN_ENDPOINTS', () => {
  it('never opens a server-to-server endpoint to browsers', () => {
    for (const path of ['/oauth2/introspect', '/oauth2/par', '/oauth2/authorize', '/admin'])
      expect(CROSS_ORIGIN_ENDPOINTS[path]).toBeUndefined();
  });
});
