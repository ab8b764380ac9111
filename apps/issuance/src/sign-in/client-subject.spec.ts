import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { pairwiseSubject } from '@app/tokens';
import { clientSubject, subjectPolicyOf } from './client-subject';

const SALT = 'a-test-salt-of-at-least-32-characters';

const client = (over: Partial<ClientConfig> = {}): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId: 'web-app',
  authMethod: 'client_secret_basic',
  grantTypes: ['authorization_code'],
  scopes: [],
  resources: [],
  introspects: [],
  ...over,
});

const pairwise = (sectorIdentifier: string, clientId = 'web-app') =>
  client({ clientId, subjectType: 'pairwise', sectorIdentifier });

describe('clientSubject (OIDC Core §8)', () => {
  const sut = clientSubject;

  it('gives a public client the local subject', () => {
    expect(sut(client(), 'user-alice', SALT)).toBe('user-alice');
  });

  it('gives a pairwise client the §8.1 hash of its sector, the subject and the salt', () => {
    const sub = sut(pairwise('app.example.com'), 'user-alice', SALT);
    expect(sub).toBe(pairwiseSubject('app.example.com', 'user-alice', SALT));
    expect(sub).not.toContain('user-alice');
  });

  it('gives two clients of one sector the same subject, and other sectors another', () => {
    const a = sut(pairwise('app.example.com', 'a'), 'user-alice', SALT);
    const b = sut(pairwise('app.example.com', 'b'), 'user-alice', SALT);
    const other = sut(pairwise('other.example.com', 'c'), 'user-alice', SALT);
    expect(a).toBe(b);
    expect(other).not.toBe(a);
  });

  it('gives two users of one client different subjects', () => {
    const c = pairwise('app.example.com');
    expect(sut(c, 'user-alice', SALT)).not.toBe(sut(c, 'user-bob', SALT));
  });

  it('depends on the salt', () => {
    const c = pairwise('app.example.com');
    expect(sut(c, 'user-alice', SALT)).not.toBe(sut(c, 'user-alice', `${SALT}-rotated`));
  });

  it('refuses a pairwise client without a sector rather than fall back to the public subject', () => {
    expect(() => subjectPolicyOf(client({ subjectType: 'pairwise' }), SALT)).toThrow(/sector/);
  });
});
