import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseRegistryFile } from '@app/config';
import { verifySecretHash } from './secret-hash';
import { ClientRegistry } from './client.registry';

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
});
