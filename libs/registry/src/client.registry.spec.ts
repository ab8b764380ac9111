import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseRegistryFile } from '@app/config';
import { verifySecretHash } from './secret-hash';
import { ClientRegistry } from './client.registry';
import { ScryptGate } from './scrypt.gate';

jest.mock('./secret-hash', () => {
  const actual = jest.requireActual('./secret-hash');
  return { ...actual, verifySecretHash: jest.fn(actual.verifySecretHash) };
});

const secret = 'a-high-entropy-client-secret';
const hash = execFileSync('node', [join(__dirname, '../../../scripts/hash-secret.js'), secret])
  .toString()
  .trim();

function registry() {
  return new ClientRegistry(
    parseRegistryFile({
      resources: [{ identifier: 'https://api.example', scopes: ['read'] }],
      clients: [
        { client_id: 'plain', client_secret: secret, resources: ['https://api.example'] },
        { client_id: 'hashed', client_secret_hash: hash, resources: ['https://api.example'] },
        {
          client_id: 'keyed',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [] },
          resources: ['https://api.example'],
        },
      ],
    }),
  );
}

describe('ClientRegistry.secretMatches', () => {
  it('checks plain and hashed secrets', async () => {
    const sut = registry();
    await expect(sut.secretMatches(sut.client('plain')!, secret)).resolves.toBe(true);
    await expect(sut.secretMatches(sut.client('plain')!, 'wrong')).resolves.toBe(false);
    await expect(sut.secretMatches(sut.client('plain')!, `${secret}x`)).resolves.toBe(false);
    await expect(sut.secretMatches(sut.client('plain')!, secret.slice(1))).resolves.toBe(false);
    await expect(sut.secretMatches(sut.client('hashed')!, secret)).resolves.toBe(true);
    await expect(sut.secretMatches(sut.client('hashed')!, 'wrong')).resolves.toBe(false);
  });

  it('pays scrypt once per client for a repeated good secret, never for a cached bad one', async () => {
    const sut = registry();
    const spy = jest.mocked(verifySecretHash);
    spy.mockClear();
    const client = sut.client('hashed')!;
    await sut.secretMatches(client, secret);
    await sut.secretMatches(client, secret);
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(sut.secretMatches(client, 'wrong')).resolves.toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  /** The scrypt parameters of an encoded hash (`ln=..,r=..,p=..`). */
  const parametersOf = (encoded: string) => encoded.split('$')[2];

  it.each([
    ['an unknown client', () => undefined],
    ['a client without a secret', (sut: ClientRegistry) => sut.client('keyed')],
    ['a wrong plain secret', (sut: ClientRegistry) => sut.client('plain')],
  ])('refuses %s after a scrypt against a dummy hash like the real ones', async (_, client) => {
    const sut = registry();
    const spy = jest.mocked(verifySecretHash);
    spy.mockClear();
    await expect(sut.secretMatches(client(sut), 'wrong-secret')).resolves.toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    const [presented, dummy] = spy.mock.calls[0]!;
    expect(presented).toBe('wrong-secret');
    expect(dummy).not.toBe(hash);
    expect(parametersOf(dummy)).toBe(parametersOf(hash));
  });

  it('lets the right plain secret through without any scrypt', async () => {
    const sut = registry();
    const spy = jest.mocked(verifySecretHash);
    spy.mockClear();
    await expect(sut.secretMatches(sut.client('plain')!, secret)).resolves.toBe(true);
    expect(spy).not.toHaveBeenCalled();
  });

  it('recognises a hashed secret without scrypt only once it has passed scrypt', async () => {
    const sut = registry();
    const client = sut.client('hashed')!;
    const spy = jest.mocked(verifySecretHash);
    expect(sut.recognises(client, secret)).toBe(false);
    await sut.secretMatches(client, 'wrong');
    expect(sut.recognises(client, 'wrong')).toBe(false);
    await sut.secretMatches(client, secret);
    spy.mockClear();
    expect(sut.recognises(client, secret)).toBe(true);
    expect(sut.recognises(client, `${secret}x`)).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });

  it('recognises a plain secret by comparison, and nothing for a client without a secret', () => {
    const sut = registry();
    expect(sut.recognises(sut.client('plain')!, secret)).toBe(true);
    expect(sut.recognises(sut.client('plain')!, 'wrong')).toBe(false);
    expect(sut.recognises(sut.client('keyed')!, secret)).toBe(false);
  });

  it("forgets a verified secret once the client's stored hash changes", async () => {
    const sut = registry();
    const before = sut.client('hashed')!;
    await sut.secretMatches(before, secret);
    const otherHash = execFileSync('node', [
      join(__dirname, '../../../scripts/hash-secret.js'),
      'a-new-client-secret-0123',
    ])
      .toString()
      .trim();
    const after = { ...before, secret: { kind: 'hash' as const, value: otherHash } };
    const spy = jest.mocked(verifySecretHash);
    spy.mockClear();
    expect(sut.recognises(after, secret)).toBe(false);
    await expect(sut.secretMatches(after, secret)).resolves.toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(sut.secretMatches(after, 'a-new-client-secret-0123')).resolves.toBe(true);
  });

  it('runs scrypt for at most SCRYPT_CONCURRENCY checks at a time', async () => {
    const sut = new ClientRegistry(
      parseRegistryFile({
        resources: [{ identifier: 'https://api.example', scopes: ['read'] }],
        clients: [
          { client_id: 'hashed', client_secret_hash: hash, resources: ['https://api.example'] },
        ],
      }),
      new ScryptGate(1),
    );
    const spy = jest.mocked(verifySecretHash);
    spy.mockClear();
    let running = 0;
    let most = 0;
    spy.mockImplementation(async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setImmediate(r));
      running--;
      return false;
    });
    try {
      const checks = ['a', 'b', 'c'].map((s) => sut.secretMatches(sut.client('hashed')!, s));
      await expect(Promise.all(checks)).resolves.toEqual([false, false, false]);
      expect(most).toBe(1);
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockImplementation(jest.requireActual('./secret-hash').verifySecretHash);
    }
  });
});
