import { checkClient } from './check-client';
import { paramsOf, registryOf, signInClient } from './checks.fixtures';

describe('checkClient', () => {
  const registry = registryOf(signInClient());
  const sut = (p: Record<string, string>) => checkClient(registry, paramsOf(p));

  it('finds the registered client', () => {
    expect(sut({ client_id: 'web' }).clientId).toBe('web');
  });

  it.each([
    ['missing', {}],
    ['unknown', { client_id: 'nobody' }],
    ['too long', { client_id: 'w'.repeat(256) }],
  ])('refuses a client_id that is %s with invalid_request, naming nothing of it', (_c, p) => {
    expect(() => sut(p)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => sut(p)).not.toThrow('nobody');
  });
});
