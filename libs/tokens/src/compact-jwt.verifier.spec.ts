import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { errors, jwtVerify, JWTVerifyOptions, KeyLike, SignJWT } from 'jose';
import { signCompactJws } from './compact-jws.signer';
import { JwtChecks, verifyCompactJwt } from './compact-jwt.verifier';

/** What a verification came to: the claims, or the error's class and jose code. */
type Outcome = { ok: Record<string, unknown> } | { error: string; code?: string };

async function outcome(run: () => Promise<{ payload: unknown }>): Promise<Outcome> {
  try {
    return { ok: (await run()).payload as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).constructor.name, code: (e as { code?: string }).code };
  }
}

/** Ours and jose's `jwtVerify` on the same token, key and checks. */
async function both(token: string, key: KeyLike, checks: JwtChecks) {
  const ours = await outcome(() => verifyCompactJwt(token, () => key, checks));
  const { audience, requiredClaims } = checks;
  const options: JWTVerifyOptions = {
    ...checks,
    algorithms: [...checks.algorithms],
    audience: typeof audience === 'string' || audience === undefined ? audience : [...audience],
    requiredClaims: requiredClaims && [...requiredClaims],
  };
  const jose = await outcome(() => jwtVerify(token, key, options));
  return { ours, jose };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

const keys = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  EdDSA: generateKeyPairSync('ed25519'),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
type Alg = keyof typeof keys;

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: 'https://issuer.example',
  sub: 'alice',
  aud: 'https://orders.example',
  iat: now(),
  exp: now() + 300,
  jti: 'j1',
  ...extra,
});

function sign(
  alg: Alg,
  payload: Record<string, unknown> = claims(),
  header: Record<string, unknown> = {},
  key: KeyObject = keys[alg].privateKey,
) {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'at+jwt', ...header }).sign(key);
}

const CHECKS: JwtChecks = {
  algorithms: ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'],
  issuer: 'https://issuer.example',
  audience: 'https://orders.example',
  typ: 'at+jwt',
  requiredClaims: ['sub', 'exp', 'jti'],
};

describe('verifyCompactJwt agrees with jose jwtVerify', () => {
  it.each(Object.keys(keys) as Alg[])(
    'accepts a valid %s token with the same claims',
    async (alg) => {
      const { ours, jose } = await both(await sign(alg), keys[alg].publicKey, CHECKS);
      expect(ours).toEqual(jose);
      expect('ok' in ours && ours.ok.sub).toBe('alice');
    },
  );

  it.each(Object.keys(keys) as Alg[])(
    'refuses a %s token whose payload was changed after signing',
    async (alg) => {
      const [h, , s] = (await sign(alg)).split('.');
      const forged = `${h}.${b64(claims({ sub: 'mallory' }))}.${s}`;
      const { ours, jose } = await both(forged, keys[alg].publicKey, CHECKS);
      expect(ours).toEqual(jose);
      expect(ours).toEqual({
        error: 'JWSSignatureVerificationFailed',
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      });
    },
  );

  const cases: [string, () => Promise<{ token: string; key: KeyLike; checks?: JwtChecks }>][] = [
    [
      'an alg off the allow-list',
      async () => ({
        token: await sign('ES384'),
        key: keys.ES384.publicKey,
        checks: { ...CHECKS, algorithms: ['ES256'] },
      }),
    ],
    [
      'alg "none"',
      async () => ({
        token: `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.c2ln`,
        key: keys.ES256.publicKey,
        checks: { ...CHECKS, algorithms: ['none', 'ES256'] },
      }),
    ],
    [
      'a key of another signer',
      async () => ({
        token: await sign(
          'ES256',
          claims(),
          {},
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        ),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a key of the wrong type for the alg',
      async () => ({ token: await sign('ES256'), key: keys.RS256.publicKey }),
    ],
    [
      'a key on the wrong curve for the alg',
      async () => ({
        token: `${b64({ alg: 'ES256', typ: 'at+jwt' })}.${b64(claims())}.${'A'.repeat(128)}`,
        key: keys.ES384.publicKey,
      }),
    ],
    [
      'an RSA key under 2048 bits',
      async () => {
        // jose will not sign with it either: node:crypto does.
        const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
        const header = { alg: 'RS256', typ: 'at+jwt' };
        return {
          token: signCompactJws(header, claims(), 'RS256', small.privateKey),
          key: small.publicKey,
        };
      },
    ],
    [
      'an expired token',
      async () => ({
        token: await sign('ES256', claims({ exp: now() - 1 })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'an expired token within the clock tolerance',
      async () => ({
        token: await sign('ES256', claims({ exp: now() - 5 })),
        key: keys.ES256.publicKey,
        checks: { ...CHECKS, clockTolerance: 30 },
      }),
    ],
    [
      'a token not valid yet',
      async () => ({
        token: await sign('ES256', claims({ nbf: now() + 60 })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a string exp',
      async () => ({
        token: await sign('ES256', claims({ exp: `${now() + 60}` })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a string iat',
      async () => ({
        token: await sign('ES256', claims({ iat: 'yesterday' })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'another issuer',
      async () => ({
        token: await sign('ES256', claims({ iss: 'https://evil.example' })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'another audience',
      async () => ({
        token: await sign('ES256', claims({ aud: 'https://ledger.example' })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'an audience array naming us',
      async () => ({
        token: await sign(
          'ES256',
          claims({ aud: ['https://ledger.example', 'https://orders.example'] }),
        ),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a missing required claim',
      async () => ({
        token: await sign('ES256', claims({ jti: undefined })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a missing iss',
      async () => ({
        token: await sign('ES256', claims({ iss: undefined })),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'another subject',
      async () => ({
        token: await sign('ES256'),
        key: keys.ES256.publicKey,
        checks: { ...CHECKS, subject: 'bob' },
      }),
    ],
    [
      'a typ of another kind',
      async () => ({
        token: await sign('ES256', claims(), { typ: 'JWT' }),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'the typ as a full media type',
      async () => ({
        token: await sign('ES256', claims(), { typ: 'application/AT+JWT' }),
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a crit extension',
      async () => {
        const header = { alg: 'ES256', typ: 'at+jwt', crit: ['urn:example:x'], 'urn:example:x': 1 };
        const token = signCompactJws(header, claims(), 'ES256', keys.ES256.privateKey);
        return { token, key: keys.ES256.publicKey };
      },
    ],
    [
      'a payload that is no JSON object',
      async () => {
        const header = b64({ alg: 'ES256', typ: 'at+jwt' });
        const { sign: raw } = await import('node:crypto');
        const input = `${header}.${Buffer.from('[1,2]').toString('base64url')}`;
        const s = raw('sha256', Buffer.from(input), {
          key: keys.ES256.privateKey,
          dsaEncoding: 'ieee-p1363',
        });
        return { token: `${input}.${s.toString('base64url')}`, key: keys.ES256.publicKey };
      },
    ],
    [
      'a header that is no JSON',
      async () => ({
        token: `${Buffer.from('{alg').toString('base64url')}.${b64(claims())}.c2ln`,
        key: keys.ES256.publicKey,
      }),
    ],
    [
      'a signature of the wrong length',
      async () => ({ token: `${(await sign('ES256')).slice(0, -4)}`, key: keys.ES256.publicKey }),
    ],
    ['four parts', async () => ({ token: `${await sign('ES256')}.eA`, key: keys.ES256.publicKey })],
  ];

  it.each(cases)('decides alike on %s', async (_name, make) => {
    const { token, key, checks = CHECKS } = await make();
    const { ours, jose } = await both(token, key, checks);
    // Malformed input: both refuse, each with the JWS/JWT class it names the defect by.
    if ('error' in jose && ['JWSInvalid', 'JWTInvalid'].includes(jose.error))
      expect('error' in ours && ['JWSInvalid', 'JWTInvalid'].includes(ours.error)).toBe(true);
    else if ('error' in jose && jose.error === 'JOSENotSupported')
      expect(ours).toMatchObject({
        code: expect.stringMatching(/^ERR_JOSE_NOT_SUPPORTED|ERR_JWS_INVALID$/),
      });
    else expect(ours).toEqual(jose);
  });

  it('verifies with a public key only (jose would derive it from a private one)', async () => {
    await expect(
      verifyCompactJwt(await sign('ES256'), () => keys.ES256.privateKey, CHECKS),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses every crit extension, even one jose would accept (b64)', async () => {
    const token = await sign('ES256', claims(), { crit: ['b64'], b64: true });
    await expect(
      verifyCompactJwt(token, () => keys.ES256.publicKey, CHECKS),
    ).rejects.toBeInstanceOf(errors.JOSEError);
  });

  it('asks for the key with the header, and names a missing key as jose does', async () => {
    const token = await sign('ES256', claims(), { kid: 'k1' });
    const asked: unknown[] = [];
    await expect(
      verifyCompactJwt(
        token,
        (h) => {
          asked.push(h);
          return undefined;
        },
        CHECKS,
      ),
    ).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect(asked).toEqual([{ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }]);
  });

  it('never asks for a key when the alg is off the allow-list', async () => {
    const token = await sign('RS256');
    const keyFor = jest.fn(() => keys.RS256.publicKey);
    await expect(
      verifyCompactJwt(token, keyFor, { ...CHECKS, algorithms: ['ES256'] }),
    ).rejects.toBeInstanceOf(errors.JOSEAlgNotAllowed);
    expect(keyFor).not.toHaveBeenCalled();
  });
});
