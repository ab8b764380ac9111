import { createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { DpopConfig } from '@app/config';
import { isSafeErrorDescription } from '@app/oauth';
import { MemoryReplayStore, ReplayStore, StoreUnavailable } from '@app/store';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  JWK,
  KeyLike,
  SignJWT,
} from 'jose';
import { tokenDigest } from '../opaque-token.format';
import { DpopNonces } from './dpop-nonce';
import { DPOP_ERRORS, DpopProofRejected } from './dpop-proof.error';
import { DpopProofVerifier, DpopRequest } from './dpop-proof.verifier';
import { DPOP_SIGNING_ALGS } from './dpop-signing-algs';

const TOKEN_URL = 'https://auth.example.com/oauth2/token';
const START = new Date('2026-01-01T00:00:00Z').getTime();
const NOW_S = START / 1000;
const CONFIG: DpopConfig = { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 };
const NONCE_CONFIG = { secret: 'a-nonce-secret-of-at-least-32-characters!', windowSeconds: 60 };

interface ProofKey {
  readonly alg: string;
  readonly privateKey: KeyLike;
  readonly jwk: JWK;
  readonly privateJwk: JWK;
}

async function proofKey(alg: string): Promise<ProofKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    privateKey,
    jwk: await exportJWK(publicKey),
    privateJwk: await exportJWK(privateKey),
  };
}

type Fields = Record<string, unknown>;

/** A proof for POST at the token endpoint, signed now; `claims`/`header` override or drop (undefined). */
function proof(key: ProofKey, claims: Fields = {}, header: Fields = {}): Promise<string> {
  return new SignJWT({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: NOW_S, ...claims })
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header } as never)
    .sign(key.privateKey);
}

/** A JWS with any header and a signature of random bytes: for what no signer would make. */
function unsigned(header: Fields, claims: Fields = {}): string {
  const part = (o: Fields) => base64url.encode(JSON.stringify(o));
  const payload = { jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: NOW_S, ...claims };
  return `${part(header)}.${part(payload)}.${base64url.encode(randomBytes(64))}`;
}

const tokenRequest = (dpop: DpopRequest['proof']): DpopRequest => ({
  proof: dpop,
  method: 'POST',
  url: TOKEN_URL,
});

async function refusal(sut: DpopProofVerifier, request: DpopRequest): Promise<DpopProofRejected> {
  const error = await sut.verify(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DpopProofRejected)) throw new Error(`not refused: ${String(error)}`);
  return error;
}

async function invalidBecause(sut: DpopProofVerifier, request: DpopRequest, description: string) {
  const error = await refusal(sut, request);
  expect({ error: error.error, description: error.description, nonce: error.nonce }).toEqual({
    error: 'invalid_dpop_proof',
    description,
    nonce: undefined,
  });
}

describe('DpopProofVerifier (RFC 9449 §4.3)', () => {
  const keys = new Map<string, ProofKey>();
  let es256: ProofKey;
  let replays: MemoryReplayStore;
  let sut: DpopProofVerifier;

  beforeAll(async () => {
    for (const alg of [...DPOP_SIGNING_ALGS, 'ES512', 'RS384']) keys.set(alg, await proofKey(alg));
    es256 = keys.get('ES256')!;
  });

  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    replays = new MemoryReplayStore();
    sut = new DpopProofVerifier(CONFIG, replays);
  });
  afterEach(() => jest.useRealTimers());

  describe('a good proof', () => {
    it.each([...DPOP_SIGNING_ALGS])(
      'signed with %s gives the RFC 7638 thumbprint of its key',
      async (alg) => {
        const key = keys.get(alg)!;
        const result = await sut.verify(tokenRequest(await proof(key)));
        expect(result).toEqual({ jkt: await calculateJwkThumbprint(key.jwk, 'sha256') });
      },
    );

    it('may come as a one-element header list', async () => {
      await expect(sut.verify(tokenRequest([await proof(es256)]))).resolves.toHaveProperty('jkt');
    });

    it('is compared without the query and fragment of htu, after URL normalisation', async () => {
      const htus = [
        `${TOKEN_URL}?x=1#frag`,
        'HTTPS://AUTH.example.com:443/oauth2/token',
        'https://auth.example.com/oauth2/%74oken',
      ];
      for (const htu of htus)
        await expect(sut.verify(tokenRequest(await proof(es256, { htu })))).resolves.toBeDefined();
      const request = { ...tokenRequest(await proof(es256)), url: `${TOKEN_URL}?a=b` };
      await expect(sut.verify(request)).resolves.toBeDefined();
    });

    it('is accepted from the edge of the window to the edge of the skew', async () => {
      for (const iat of [NOW_S - 60, NOW_S + 5, NOW_S + 4.5])
        await expect(sut.verify(tokenRequest(await proof(es256, { iat })))).resolves.toBeDefined();
    });
  });

  describe('the DPoP header', () => {
    it.each<[string, () => Promise<DpopRequest['proof']>]>([
      ['absent', async () => undefined],
      ['empty', async () => ''],
      ['two proofs in one header', async () => `${await proof(es256)}, ${await proof(es256)}`],
      ['two headers', async () => [await proof(es256), await proof(es256)]],
      ['an empty list', async () => []],
      ['not a compact JWS', async () => 'a.b'],
      ['a JWS with an empty signature', async () => (await proof(es256)).replace(/[^.]+$/, '')],
      ['longer than 4096 characters', async () => proof(es256, { pad: 'x'.repeat(4096) })],
    ])('is refused when %s', async (_, header) => {
      await invalidBecause(sut, tokenRequest(await header()), DPOP_ERRORS.notOneProof);
    });

    it('is refused when its parts are not base64url JSON', async () => {
      await invalidBecause(sut, tokenRequest('eyJ.e30.c2ln'), DPOP_ERRORS.malformed);
    });
  });

  describe('the JOSE header', () => {
    it.each([
      ['no typ', { typ: undefined }],
      ['typ JWT', { typ: 'JWT' }],
      ['typ with the application/ prefix', { typ: 'application/dpop+jwt' }],
      ['typ at+jwt', { typ: 'at+jwt' }],
    ])('refuses %s', async (_, header) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, {}, header)), DPOP_ERRORS.typ);
    });

    it('refuses alg none, signed or not', async () => {
      const none = { alg: 'none', typ: 'dpop+jwt', jwk: es256.jwk };
      await invalidBecause(sut, tokenRequest(unsigned(none)), DPOP_ERRORS.alg);
      const empty = unsigned(none).replace(/[^.]+$/, '');
      await invalidBecause(sut, tokenRequest(empty), DPOP_ERRORS.notOneProof);
    });

    it('refuses an HMAC proof, whatever jwk it carries', async () => {
      const secret = randomBytes(32);
      const oct = { kty: 'oct', k: base64url.encode(secret) };
      for (const jwk of [oct, es256.jwk]) {
        const hs256 = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL })
          .setIssuedAt(NOW_S)
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk } as never)
          .sign(secret);
        await invalidBecause(sut, tokenRequest(hs256), DPOP_ERRORS.alg);
      }
    });

    it.each(['ES512', 'RS384'])('refuses %s, off the allow-list', async (alg) => {
      await invalidBecause(sut, tokenRequest(await proof(keys.get(alg)!)), DPOP_ERRORS.alg);
    });

    it.each(['ES256', 'RS256', 'EdDSA'])('refuses a %s jwk with a private member', async (alg) => {
      const key = keys.get(alg)!;
      const header = { jwk: key.privateJwk };
      await invalidBecause(sut, tokenRequest(await proof(key, {}, header)), DPOP_ERRORS.jwk);
    });

    it.each<[string, () => Fields]>([
      ['no jwk', () => ({ jwk: undefined })],
      ['a jwk that is no object', () => ({ jwk: 'key' })],
      ['a jwk list', () => ({ jwk: [es256.jwk] })],
      ['an RSA jwk on an ES256 proof', () => ({ jwk: keys.get('RS256')!.jwk })],
      ['a P-384 jwk on an ES256 proof', () => ({ jwk: keys.get('ES384')!.jwk })],
      ['a jwk for encryption', () => ({ jwk: { ...es256.jwk, use: 'enc' } })],
      ['a jwk naming another alg', () => ({ jwk: { ...es256.jwk, alg: 'ES384' } })],
      ['a jwk whose point is off the curve', () => ({ jwk: { ...es256.jwk, y: es256.jwk.x } })],
    ])('refuses %s', async (_, header) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, {}, header())), DPOP_ERRORS.jwk);
    });
  });

  it('checks the restrictions of a jwk on every proof, also once its key is known', async () => {
    await expect(sut.verify(tokenRequest(await proof(es256)))).resolves.toBeDefined();
    for (const jwk of [
      { ...es256.jwk, use: 'enc' },
      { ...es256.jwk, alg: 'ES384' },
      { ...es256.jwk, key_ops: ['encrypt'] },
    ])
      await invalidBecause(sut, tokenRequest(await proof(es256, {}, { jwk })), DPOP_ERRORS.jwk);
  });

  it('refuses an RSA key under 2048 bits (RFC 7518 §3.3), as a bad jwk', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const signingInput = [
      { alg: 'RS256', typ: 'dpop+jwt', jwk },
      { jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: NOW_S },
    ]
      .map((part) => base64url.encode(JSON.stringify(part)))
      .join('.');
    const signature = createSign('sha256').update(signingInput).sign(privateKey);
    const short = `${signingInput}.${base64url.encode(signature)}`;
    await invalidBecause(sut, tokenRequest(short), DPOP_ERRORS.jwk);
  });

  describe('the signature', () => {
    it('must be made by the jwk the proof carries', async () => {
      const other = keys.get('ES256')!;
      const stranger = await proofKey('ES256');
      const forged = await proof({ ...stranger, jwk: other.jwk });
      await invalidBecause(sut, tokenRequest(forged), DPOP_ERRORS.signature);
    });

    it('covers the claims: a proof with its payload changed is refused', async () => {
      const [header, , signature] = (await proof(es256)).split('.');
      const payload = base64url.encode(
        JSON.stringify({ jti: randomUUID(), htm: 'GET', htu: TOKEN_URL, iat: NOW_S }),
      );
      await invalidBecause(
        sut,
        tokenRequest(`${header}.${payload}.${signature}`),
        DPOP_ERRORS.signature,
      );
    });
  });

  describe('the claims', () => {
    it.each([
      ['jti', { jti: undefined }],
      ['htm', { htm: undefined }],
      ['htu', { htu: undefined }],
      ['iat', { iat: undefined }],
      ['a numeric jti', { jti: 42 }],
      ['a string iat', { iat: String(NOW_S) }],
    ])('refuses a proof without %s', async (_, claims) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, claims)), DPOP_ERRORS.claims);
    });

    it.each([
      ['empty', ''],
      ['over 256 characters', 'j'.repeat(257)],
    ])('refuses a jti %s', async (_, jti) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, { jti })), DPOP_ERRORS.jti);
    });

    it('refuses an expired exp, should a proof carry one', async () => {
      const request = tokenRequest(await proof(es256, { exp: NOW_S - 1 }));
      await invalidBecause(sut, request, DPOP_ERRORS.claims);
    });

    it.each(['GET', 'post', 'PUT'])('refuses htm %s for a POST', async (htm) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, { htm })), DPOP_ERRORS.htm);
    });

    it.each([
      ['another endpoint', 'https://auth.example.com/oauth2/introspect'],
      ['another host', 'https://api.example.com/oauth2/token'],
      ['plain http', 'http://auth.example.com/oauth2/token'],
      ['a relative URL', '/oauth2/token'],
      ['a user name', 'https://me@auth.example.com/oauth2/token'],
    ])('refuses the htu of %s', async (_, htu) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, { htu })), DPOP_ERRORS.htu);
    });

    it('refuses any htu when the request URL is no http(s) URL', async () => {
      const request = { ...tokenRequest(await proof(es256)), url: 'urn:example:token' };
      await invalidBecause(sut, request, DPOP_ERRORS.htu);
    });

    it.each([
      ['stale', NOW_S - 61],
      ['from the future', NOW_S + 6],
      ['far in the future', NOW_S + 86_400],
    ])('refuses an iat %s', async (_, iat) => {
      await invalidBecause(sut, tokenRequest(await proof(es256, { iat })), DPOP_ERRORS.iat);
    });

    it('honours a configured window and skew', async () => {
      const strict = new DpopProofVerifier(
        { proofMaxAgeSeconds: 10, clockSkewSeconds: 0 },
        replays,
      );
      await invalidBecause(
        strict,
        tokenRequest(await proof(es256, { iat: NOW_S - 11 })),
        DPOP_ERRORS.iat,
      );
      await invalidBecause(
        strict,
        tokenRequest(await proof(es256, { iat: NOW_S + 1 })),
        DPOP_ERRORS.iat,
      );
      await expect(
        strict.verify(tokenRequest(await proof(es256, { iat: NOW_S - 10 }))),
      ).resolves.toBeDefined();
    });
  });

  describe('ath, at a resource server (RFC 9449 §7)', () => {
    const accessToken = 'at_' + base64url.encode(randomBytes(32));
    const resourceRequest = (dpop: string): DpopRequest => ({
      proof: dpop,
      method: 'GET',
      url: 'https://api.example.com/orders',
      accessToken,
    });
    const resourceProof = (claims: Fields) =>
      proof(es256, { htm: 'GET', htu: 'https://api.example.com/orders', ...claims });

    it('accepts the base64url SHA-256 of the access token', async () => {
      const ath = tokenDigest(accessToken);
      await expect(
        sut.verify(resourceRequest(await resourceProof({ ath }))),
      ).resolves.toBeDefined();
    });

    it.each([
      ['missing', undefined],
      ['of another token', tokenDigest('at_another')],
      ['of the token in hex', tokenDigest(accessToken).toUpperCase()],
      ['not a string', 42],
    ])('refuses an ath %s', async (_, ath) => {
      await invalidBecause(sut, resourceRequest(await resourceProof({ ath })), DPOP_ERRORS.ath);
    });

    it('ignores ath where no access token is presented (the token endpoint)', async () => {
      await expect(
        sut.verify(tokenRequest(await proof(es256, { ath: 'x' }))),
      ).resolves.toBeDefined();
    });
  });

  describe('single use of jti (RFC 9449 §11.1)', () => {
    it('refuses a proof presented twice', async () => {
      const dpop = await proof(es256);
      await sut.verify(tokenRequest(dpop));
      await invalidBecause(sut, tokenRequest(dpop), DPOP_ERRORS.replayed);
    });

    it('refuses it on another replica sharing the store', async () => {
      const dpop = await proof(es256);
      await sut.verify(tokenRequest(dpop));
      const otherReplica = new DpopProofVerifier(CONFIG, replays);
      await invalidBecause(otherReplica, tokenRequest(dpop), DPOP_ERRORS.replayed);
    });

    it('refuses another proof of the same key with the same jti', async () => {
      const jti = randomUUID();
      await sut.verify(tokenRequest(await proof(es256, { jti })));
      const again = await proof(es256, { jti, iat: NOW_S + 1 });
      await invalidBecause(sut, tokenRequest(again), DPOP_ERRORS.replayed);
    });

    it("keys jti by the proof's key: another key may use the same jti", async () => {
      const jti = randomUUID();
      await sut.verify(tokenRequest(await proof(es256, { jti })));
      await expect(
        sut.verify(tokenRequest(await proof(keys.get('EdDSA')!, { jti }))),
      ).resolves.toBeDefined();
    });

    it('remembers the jti as long as the proof could be accepted, skew included', async () => {
      const claimOnce = jest.fn().mockResolvedValue(true);
      const spied = new DpopProofVerifier(CONFIG, { claimOnce });
      await spied.verify(tokenRequest(await proof(es256, { iat: NOW_S - 10 })));
      expect(claimOnce).toHaveBeenCalledWith(
        expect.stringMatching(/^tl:dpop:\{[A-Za-z0-9_-]{43}\}$/),
        (NOW_S - 10 + 60 + 5) * 1000,
      );
    });

    it('refuses the replay after the window too (by its iat)', async () => {
      const dpop = await proof(es256);
      await sut.verify(tokenRequest(dpop));
      jest.setSystemTime(START + 61_000);
      await invalidBecause(sut, tokenRequest(dpop), DPOP_ERRORS.iat);
    });

    it('spends no jti on a refused proof', async () => {
      const jti = randomUUID();
      await invalidBecause(
        sut,
        tokenRequest(await proof(es256, { jti, htm: 'GET' })),
        DPOP_ERRORS.htm,
      );
      await expect(sut.verify(tokenRequest(await proof(es256, { jti })))).resolves.toBeDefined();
    });

    it('lets a store outage through as it is (503 upstream), not as a bad proof', async () => {
      const down: Pick<ReplayStore, 'claimOnce'> = {
        claimOnce: () => Promise.reject(new StoreUnavailable()),
      };
      const sutDown = new DpopProofVerifier(CONFIG, down);
      await expect(sutDown.verify(tokenRequest(await proof(es256)))).rejects.toBeInstanceOf(
        StoreUnavailable,
      );
    });
  });

  describe('server nonces (RFC 9449 §8)', () => {
    let nonces: DpopNonces;
    let withNonces: DpopProofVerifier;

    beforeEach(() => {
      nonces = new DpopNonces(NONCE_CONFIG);
      withNonces = new DpopProofVerifier({ ...CONFIG, nonce: NONCE_CONFIG }, replays);
    });

    async function useNonceBecause(request: DpopRequest, description: string) {
      const error = await refusal(withNonces, request);
      expect(error.error).toBe('use_dpop_nonce');
      expect(error.description).toBe(description);
      expect(error.nonce).toBe(nonces.current());
      expect(withNonces.currentNonce()).toBe(nonces.current());
    }

    it('accepts the current nonce and the previous window’s', async () => {
      const nonce = nonces.current();
      await expect(
        withNonces.verify(tokenRequest(await proof(es256, { nonce }))),
      ).resolves.toBeDefined();
      jest.setSystemTime(START + 60_000);
      const later = await proof(es256, { nonce, iat: NOW_S + 60 });
      await expect(withNonces.verify(tokenRequest(later))).resolves.toBeDefined();
    });

    it('answers use_dpop_nonce with a fresh nonce when the proof has none', async () => {
      await useNonceBecause(tokenRequest(await proof(es256)), DPOP_ERRORS.nonceMissing);
    });

    it.each<[string, () => unknown]>([
      ['made up', () => 'made-up-nonce'],
      ['not a string', () => 42],
      [
        'made with another key',
        () =>
          new DpopNonces({
            ...NONCE_CONFIG,
            secret: 'another-secret-of-at-least-32-characters',
          }).current(),
      ],
    ])('answers use_dpop_nonce for a nonce %s', async (_, nonce) => {
      await useNonceBecause(
        tokenRequest(await proof(es256, { nonce: nonce() })),
        DPOP_ERRORS.nonceInvalid,
      );
    });

    it('answers use_dpop_nonce for an expired nonce, and the fresh one works', async () => {
      const old = nonces.current();
      jest.setSystemTime(START + 120_000);
      const iat = NOW_S + 120;
      await useNonceBecause(
        tokenRequest(await proof(es256, { nonce: old, iat })),
        DPOP_ERRORS.nonceInvalid,
      );
      const retry = await proof(es256, { nonce: withNonces.currentNonce(), iat });
      await expect(withNonces.verify(tokenRequest(retry))).resolves.toBeDefined();
    });

    it('checks the proof itself first: a forged proof gets invalid_dpop_proof', async () => {
      const forged = await proof({ ...(await proofKey('ES256')), jwk: es256.jwk });
      await expect(refusal(withNonces, tokenRequest(forged))).resolves.toMatchObject({
        error: 'invalid_dpop_proof',
        nonce: undefined,
      });
    });

    it('spends no jti on a proof sent without the nonce: the retry may reuse it', async () => {
      const jti = randomUUID();
      await useNonceBecause(tokenRequest(await proof(es256, { jti })), DPOP_ERRORS.nonceMissing);
      const retry = await proof(es256, { jti, nonce: nonces.current() });
      await expect(withNonces.verify(tokenRequest(retry))).resolves.toBeDefined();
    });

    it('ignores nonces when none are required', async () => {
      expect(sut.currentNonce()).toBeUndefined();
      await expect(
        sut.verify(tokenRequest(await proof(es256, { nonce: 'anything' }))),
      ).resolves.toBeDefined();
    });
  });

  describe('error descriptions', () => {
    it('are all within RFC 6749 §5.2 characters and short', () => {
      for (const description of Object.values(DPOP_ERRORS))
        expect(isSafeErrorDescription(description)).toBe(true);
    });

    it('never repeat what the request sent', async () => {
      const htu = 'https://auth.example.com/<script>alert(1)</script>';
      const error = await refusal(sut, tokenRequest(await proof(es256, { htu })));
      expect(error.description).toBe(DPOP_ERRORS.htu);
      expect(error.message).not.toContain('script');
    });
  });
});
