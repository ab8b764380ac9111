import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, JWK } from 'jose';
import { ClientKeyRefused, parseClientKey } from './playground-client-key';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicJwk = () => {
  const { kty, crv, x, y } = pair().publicKey.export({ format: 'jwk' });
  return { kty, crv, x, y };
};

describe('parseClientKey', () => {
  it('publishes a P-256 public key under its RFC 7638 thumbprint', async () => {
    const jwk = publicJwk();
    const sut = parseClientKey(JSON.stringify(jwk));
    expect(sut).toEqual({
      ...jwk,
      kid: await calculateJwkThumbprint(jwk as JWK),
      alg: 'ES256',
      use: 'sig',
    });
  });

  it('refuses a private key by name: none ever leaves the browser', () => {
    const jwk = pair().privateKey.export({ format: 'jwk' });
    expect(() => parseClientKey(JSON.stringify(jwk))).toThrow('private key');
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['another member', JSON.stringify({ ...publicJwk(), kid: 'mine' })],
    ['another curve', JSON.stringify({ ...publicJwk(), crv: 'P-384' })],
    ['an RSA key', JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB' })],
    ['a short coordinate', JSON.stringify({ ...publicJwk(), x: 'AAAA' })],
    ['a point off the curve', JSON.stringify({ ...publicJwk(), y: 'A'.repeat(43) })],
  ])('refuses %s', (_, text) => {
    expect(() => parseClientKey(text)).toThrow(ClientKeyRefused);
  });
});
