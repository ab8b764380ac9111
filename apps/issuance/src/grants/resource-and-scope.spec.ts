import { parseRegistryFile } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { resolveResource, resolveScope } from './resource-and-scope';

const registry = new ClientRegistry(
  parseRegistryFile({
    resources: [
      { identifier: 'https://orders.example', scopes: ['orders:read', 'orders:write'] },
      { identifier: 'https://billing.example', scopes: ['billing:read'] },
      { identifier: 'https://other.example', scopes: ['other:read'] },
    ],
    clients: [
      {
        client_id: 'svc',
        client_secret: 'a-long-enough-secret',
        scope: 'orders:read billing:read',
        resources: ['https://orders.example', 'https://billing.example'],
      },
    ],
  }),
);
const client = registry.client('svc')!;
const form = (body: string) => FormParams.parse('application/x-www-form-urlencoded', body);
const q = encodeURIComponent;

describe('resolveResource (RFC 8707)', () => {
  it("defaults to the client's first resource", () => {
    expect(resolveResource(registry, client, form('')).identifier).toBe('https://orders.example');
  });

  it('picks the requested resource', () => {
    const sut = resolveResource(registry, client, form(`resource=${q('https://billing.example')}`));
    expect(sut.identifier).toBe('https://billing.example');
  });

  it.each([
    'https://other.example',
    'https://unknown.example',
    'orders',
    'https://orders.example#x',
  ])('refuses %s with invalid_target', (resource) => {
    expect(() => resolveResource(registry, client, form(`resource=${q(resource)}`))).toThrow(
      expect.objectContaining({ error: 'invalid_target' }),
    );
  });
});

describe('resolveResource with several resource parameters (RFC 8707 §2)', () => {
  const resources = (...ids: string[]) => form(ids.map((id) => `resource=${q(id)}`).join('&'));

  it('serves the same resource repeated as that one resource', () => {
    const sut = resolveResource(
      registry,
      client,
      resources('https://billing.example', 'https://billing.example'),
    );
    expect(sut.identifier).toBe('https://billing.example');
  });

  it.each([
    [
      'two resources the client may both request',
      ['https://orders.example', 'https://billing.example'],
    ],
    ['one allowed and one not', ['https://orders.example', 'https://other.example']],
    [
      'the same resource around another',
      ['https://orders.example', 'https://billing.example', 'https://orders.example'],
    ],
  ])('refuses %s with invalid_target: one token carries one audience', (_case, ids) => {
    expect(() => resolveResource(registry, client, resources(...ids))).toThrow(
      expect.objectContaining({
        error: 'invalid_target',
        description: expect.stringContaining('one resource'),
      }),
    );
  });
});

describe('descriptions never repeat the requested value (RFC 6749 §5.2)', () => {
  const hostile = 'https://x.example/"\\\u0001\u00e9'.repeat(3);
  const descriptionOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as { description: string }).description;
    }
    throw new Error('not refused');
  };

  it.each([
    [
      'an unknown resource',
      () => resolveResource(registry, client, form(`resource=${q(hostile)}`)),
    ],
    ['a relative resource', () => resolveResource(registry, client, form(`resource=${q('"\\x')}`))],
    [
      'several resources',
      () => resolveResource(registry, client, form(`resource=${q(hostile)}&resource=x`)),
    ],
    [
      'an unknown scope',
      () =>
        resolveScope(
          client,
          registry.resource('https://orders.example')!,
          form(`scope=${q('a"b\\c')}`),
        ),
    ],
    [
      'a scope not allowed',
      () =>
        resolveScope(
          client,
          registry.resource('https://orders.example')!,
          form('scope=orders:write'),
        ),
    ],
  ])('%s', (_case, refuse) => {
    const description = descriptionOf(refuse);
    expect(description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
    for (const input of [hostile, 'orders:write', 'a"b']) expect(description).not.toContain(input);
  });
});

describe('resolveScope (RFC 6749 §3.3)', () => {
  const orders = registry.resource('https://orders.example')!;

  it('defaults to every client scope the resource defines', () => {
    expect(resolveScope(client, orders, form(''))).toEqual(['orders:read']);
  });

  it('grants an allowed subset, once each', () => {
    expect(resolveScope(client, orders, form('scope=orders:read+orders:read'))).toEqual([
      'orders:read',
    ]);
  });

  it.each([
    ['not allowed for the client', 'orders:write'],
    ['defined by another resource', 'billing:read'],
    ['unknown', 'admin'],
    ['badly delimited', 'orders:read++orders:read'],
  ])('refuses a scope %s with invalid_scope', (_, scope) => {
    expect(() => resolveScope(client, orders, form(`scope=${scope}`))).toThrow(
      expect.objectContaining({ error: 'invalid_scope' }),
    );
  });
});
