import { checkResource } from './check-resource';
import { LEDGER, ORDERS, paramsOf, registryOf, signInClient } from './checks.fixtures';

describe('checkResource (RFC 8707 §2)', () => {
  const client = signInClient();
  const registry = registryOf(client);
  const sut = (...resources: string[]) =>
    checkResource(registry, client, paramsOf(resources.map((r) => ['resource', r] as const)));

  it('is empty without resource, and keeps each allowed one once', () => {
    expect(sut()).toEqual([]);
    expect(sut(ORDERS.identifier, ORDERS.identifier)).toEqual([ORDERS.identifier]);
  });

  it.each([
    ['known but not allowed for the client', [LEDGER.identifier], 'invalid_target'],
    ['unknown', ['https://unknown.example'], 'invalid_target'],
    ['relative', ['/orders'], 'invalid_target'],
    ['with a fragment', ['https://orders.example#x'], 'invalid_target'],
    ['too long', [`https://x.example/${'a'.repeat(2048)}`], 'invalid_request'],
    ['too many', Array.from({ length: 11 }, (_, i) => `https://r${i}.example`), 'invalid_request'],
  ])('refuses a resource %s', (_case, resources, error) => {
    expect(() => sut(...resources)).toThrow(expect.objectContaining({ error }));
  });
});
