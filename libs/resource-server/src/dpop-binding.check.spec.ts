import { DpopConfig } from '@app/config';
import { MemoryReplayStore, ReplayStore, StoreUnavailable } from '@app/store';
import { AccessTokenClaims, DPOP_ERRORS, DpopProofVerifier } from '@app/tokens';
import { DpopKey, dpopKey, dpopProof, DpopProofOptions } from '../../../test/support/dpop-proof';
import {
  bearerErrorResponse,
  BearerError,
  InvalidDpopProof,
  InvalidToken,
  MissingToken,
  TokenStateUnavailable,
  UseDpopNonce,
} from './bearer.errors';
import {
  DPOP_CHALLENGE_ALGS,
  DpopBindingCheck,
  DpopPresentation,
  publicRequestUrl,
  refuseDpopBoundAsBearer,
} from './dpop-binding.check';

const URL_ = 'https://api.example.com/orders';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
const CONFIG: DpopConfig = { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 };
const NONCES = { secret: 'a-nonce-secret-of-at-least-32-characters!', windowSeconds: 60 };

const claims = (cnf?: AccessTokenClaims['cnf']): AccessTokenClaims => ({
  iss: 'https://issuer.example',
  sub: 'client',
  aud: 'https://api.example.com',
  clientId: 'client',
  scope: 'orders:read',
  jti: 'j',
  iat: 1,
  nbf: 1,
  exp: 2,
  ...(cnf === undefined ? {} : { cnf }),
});

async function refusal(run: () => Promise<unknown>): Promise<BearerError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BearerError)) throw new Error(`not refused: ${String(error)}`);
  return error;
}

describe('DpopBindingCheck (RFC 9449 §7.1)', () => {
  let key: DpopKey;
  let other: DpopKey;
  let sut: DpopBindingCheck;

  beforeAll(async () => {
    [key, other] = await Promise.all([dpopKey(), dpopKey('EdDSA')]);
  });
  beforeEach(() => {
    sut = new DpopBindingCheck(new DpopProofVerifier(CONFIG, new MemoryReplayStore()));
  });

  const bound = () => claims({ jkt: key.jkt });
  const proof = (o: Partial<DpopProofOptions> = {}) =>
    dpopProof({ key, htm: 'GET', htu: URL_, accessToken: TOKEN, ...o });
  const at = (dpop: DpopPresentation['proof'], method = 'GET', url = URL_): DpopPresentation => ({
    proof: dpop,
    method,
    url,
  });

  it('accepts a proof of the bound key for this request and this token', async () => {
    await expect(sut.check(TOKEN, bound(), at(await proof()))).resolves.toBeUndefined();
    // The query is no part of htu (RFC 9449 §4.2).
    const withQuery = at(await proof(), 'GET', `${URL_}?page=2`);
    await expect(sut.check(TOKEN, bound(), withQuery)).resolves.toBeUndefined();
  });

  it.each([
    ['ath of another token', { accessToken: 'another.token.value' }, DPOP_ERRORS.ath],
    ['no ath', { accessToken: undefined }, DPOP_ERRORS.ath],
    ['htm of another method', { htm: 'POST' }, DPOP_ERRORS.htm],
    ['htu of another endpoint', { htu: 'https://api.example.com/invoices' }, DPOP_ERRORS.htu],
    ['htu of another host', { htu: 'https://evil.example.com/orders' }, DPOP_ERRORS.htu],
    ['a stale iat', { iat: Math.floor(Date.now() / 1000) - 120 }, DPOP_ERRORS.iat],
  ])('401 invalid_dpop_proof for %s', async (_case, options, description) => {
    const e = await refusal(async () => sut.check(TOKEN, bound(), at(await proof(options))));
    expect(e).toBeInstanceOf(InvalidDpopProof);
    expect(e).toMatchObject({ status: 401, error: 'invalid_dpop_proof', description });
  });

  it('401 invalid_dpop_proof for no proof, two proofs, and two DPoP headers', async () => {
    const [a, b] = [await proof(), await proof()];
    for (const dpop of [undefined, `${a},${b}`, [a, b]]) {
      const e = await refusal(() => sut.check(TOKEN, bound(), at(dpop)));
      expect(e).toMatchObject({
        error: 'invalid_dpop_proof',
        description: DPOP_ERRORS.notOneProof,
      });
    }
  });

  it('401 invalid_token for a proof by another key than the one the token is bound to', async () => {
    const byOther = await proof({ key: other });
    const e = await refusal(() => sut.check(TOKEN, bound(), at(byOther)));
    expect(e).toBeInstanceOf(InvalidToken);
    expect(e.description).toBe('the access token is not bound to the key of the DPoP proof');
  });

  it('401 invalid_token for a bearer token presented with the DPoP scheme (§7.1)', async () => {
    const e = await refusal(async () => sut.check(TOKEN, claims(), at(await proof())));
    expect(e).toBeInstanceOf(InvalidToken);
    expect(e.description).toBe('the access token is not DPoP-bound');
    // A certificate-bound token is no DPoP token either.
    const x5t = claims({ 'x5t#S256': key.jkt });
    await expect(sut.check(TOKEN, x5t, at(await proof()))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('refuses a replayed proof, and spends no jti on a refused one', async () => {
    const once = await proof();
    await sut.check(TOKEN, bound(), at(once));
    const e = await refusal(() => sut.check(TOKEN, bound(), at(once)));
    expect(e).toMatchObject({ error: 'invalid_dpop_proof', description: DPOP_ERRORS.replayed });

    const jti = 'refused-first';
    await expect(
      sut.check(TOKEN, bound(), at(await proof({ jti, htm: 'POST' }))),
    ).rejects.toBeInstanceOf(InvalidDpopProof);
    await expect(sut.check(TOKEN, bound(), at(await proof({ jti })))).resolves.toBeUndefined();
  });

  it('503 when the replay store cannot be reached: never a bad proof', async () => {
    const down: Pick<ReplayStore, 'claimOnce'> = {
      claimOnce: () => Promise.reject(new StoreUnavailable()),
    };
    sut = new DpopBindingCheck(new DpopProofVerifier(CONFIG, down));
    const e = await refusal(async () => sut.check(TOKEN, bound(), at(await proof())));
    expect(e).toBeInstanceOf(TokenStateUnavailable);
    expect(e.status).toBe(503);
  });

  it('with nonces required: use_dpop_nonce and a nonce, then the retry with it passes', async () => {
    sut = new DpopBindingCheck(
      new DpopProofVerifier({ ...CONFIG, nonce: NONCES }, new MemoryReplayStore()),
    );
    const first = await refusal(async () => sut.check(TOKEN, bound(), at(await proof())));
    expect(first).toBeInstanceOf(UseDpopNonce);
    const { nonce } = first as UseDpopNonce;
    expect(nonce).toBe(sut.currentNonce());
    expect(first.description).toBe(DPOP_ERRORS.nonceMissing);

    const stale = await refusal(async () =>
      sut.check(TOKEN, bound(), at(await proof({ nonce: 'not-a-nonce-of-ours' }))),
    );
    expect(stale).toMatchObject({ error: 'use_dpop_nonce', description: DPOP_ERRORS.nonceInvalid });

    await expect(sut.check(TOKEN, bound(), at(await proof({ nonce })))).resolves.toBeUndefined();
  });
});

describe('a DPoP-bound token as a bearer token (RFC 9449 §7.2)', () => {
  it('is refused; a bearer or certificate-bound token is not', () => {
    expect(() => refuseDpopBoundAsBearer(claims({ jkt: 'k'.repeat(43) }))).toThrow(
      new InvalidToken('the access token is DPoP-bound: present it with the DPoP scheme'),
    );
    expect(() => refuseDpopBoundAsBearer(claims())).not.toThrow();
    expect(() => refuseDpopBoundAsBearer(claims({ 'x5t#S256': 'k'.repeat(43) }))).not.toThrow();
  });
});

describe('DPoP challenges (RFC 9449 §7.1, §7.2)', () => {
  const algs = DPOP_CHALLENGE_ALGS;

  it('offers both schemes, with algs, when no credentials came', () => {
    expect(algs).toBe('ES256 ES384 EdDSA RS256 PS256');
    expect(new MissingToken('no access token').challenge('api', algs)).toBe(
      `Bearer realm="api", DPoP realm="api", algs="${algs}"`,
    );
  });

  it('puts the error in the challenge of the scheme the request used', () => {
    const bearer = new InvalidToken('bound');
    expect(bearer.challenge('api', algs)).toBe(
      `Bearer realm="api", error="invalid_token", error_description="bound", DPoP realm="api", algs="${algs}"`,
    );
    expect(new InvalidToken('unbound').under('DPoP').challenge('api', algs)).toBe(
      `Bearer realm="api", DPoP realm="api", error="invalid_token", error_description="unbound", algs="${algs}"`,
    );
  });

  it('renders invalid_dpop_proof, and use_dpop_nonce with the DPoP-Nonce header', () => {
    const invalid = bearerErrorResponse(new InvalidDpopProof(DPOP_ERRORS.htu), 'api', algs);
    expect(invalid.status).toBe(401);
    expect(invalid.headers['www-authenticate']).toContain(
      `DPoP realm="api", error="invalid_dpop_proof", error_description="${DPOP_ERRORS.htu}"`,
    );
    expect(invalid.headers).not.toHaveProperty('dpop-nonce');
    expect(JSON.parse(invalid.body)).toEqual({
      error: 'invalid_dpop_proof',
      error_description: DPOP_ERRORS.htu,
    });

    const nonce = bearerErrorResponse(new UseDpopNonce(DPOP_ERRORS.nonceMissing, 'n0nce'), 'api');
    expect(nonce.headers).toMatchObject({ 'dpop-nonce': 'n0nce', 'cache-control': 'no-store' });
    expect(nonce.headers['www-authenticate']).toContain('DPoP realm="api", error="use_dpop_nonce"');
  });
});

describe('publicRequestUrl', () => {
  it('puts the configured base before the path as received', () => {
    expect(publicRequestUrl('https://api.example.com/v1', '/orders?x=1')).toBe(
      'https://api.example.com/v1/orders?x=1',
    );
  });
});
