import { randomUUID } from 'node:crypto';
import { DpopConfig } from '@app/config';
import { RedisKeys, ReplayStore } from '@app/store';
import { DPOP_ERRORS, DpopProofRejected, DpopProofVerifier, DpopRequest } from '@app/tokens';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { concurrently, Elapse, PAST_SHORT_TTL_MS, SHORT_TTL_MS } from './flow/flow-fixtures';

const URL_ = 'https://api.example.com/orders';
const CONFIG: DpopConfig = { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 };

interface Holder {
  readonly privateKey: KeyLike;
  readonly jwk: JWK;
}

async function holder(): Promise<Holder> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: await exportJWK(publicKey) };
}

function proof(h: Holder, jti = randomUUID(), iat = Date.now() / 1000): Promise<string> {
  return new SignJWT({ jti, htm: 'GET', htu: URL_, iat })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: h.jwk })
    .sign(h.privateKey);
}

const request = (dpop: string): DpopRequest => ({ proof: dpop, method: 'GET', url: URL_ });

/** 'accepted', or the description it was refused with. */
const outcome = (sut: DpopProofVerifier, dpop: string): Promise<string> =>
  sut.verify(request(dpop)).then(
    () => 'accepted',
    (e: unknown) => {
      if (e instanceof DpopProofRejected) return e.description;
      throw e;
    },
  );

/**
 * A DPoP proof is accepted once across every replica that shares a ReplayStore (RFC 9449 §11.1):
 * two verifiers stand for two replicas, each with its own store client. The in-memory adapter (one
 * store for both, a fake clock) and Redis (two connections) both run it.
 */
export function describeDpopReplayContract(
  name: string,
  replicas: () => readonly [ReplayStore, ReplayStore],
  elapse: Elapse,
): void {
  describe(`${name} ReplayStore: DPoP proofs across replicas`, () => {
    let a: DpopProofVerifier;
    let b: DpopProofVerifier;
    let stores: readonly [ReplayStore, ReplayStore];
    let key: Holder;

    beforeAll(async () => {
      key = await holder();
    });
    beforeEach(() => {
      stores = replicas();
      a = new DpopProofVerifier(CONFIG, stores[0]);
      b = new DpopProofVerifier(CONFIG, stores[1]);
    });

    it('refuses on one replica a proof accepted on the other', async () => {
      const dpop = await proof(key);
      await expect(outcome(a, dpop)).resolves.toBe('accepted');
      await expect(outcome(b, dpop)).resolves.toBe(DPOP_ERRORS.replayed);
      await expect(outcome(a, dpop)).resolves.toBe(DPOP_ERRORS.replayed);
    });

    it('accepts one of 20 simultaneous presentations spread over both replicas', async () => {
      const dpop = await proof(key);
      const outcomes = await concurrently(20, (i) => outcome(i % 2 ? a : b, dpop));
      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
      expect(outcomes.filter((o) => o === DPOP_ERRORS.replayed)).toHaveLength(19);
    });

    it("keeps each key's jti apart: another key may use it on the other replica", async () => {
      const jti = randomUUID();
      await expect(outcome(a, await proof(key, jti))).resolves.toBe('accepted');
      await expect(outcome(b, await proof(await holder(), jti))).resolves.toBe('accepted');
      await expect(outcome(b, await proof(key, jti))).resolves.toBe(DPOP_ERRORS.replayed);
    });

    it('forgets a jti once its proof can no longer be accepted (memory stays bounded)', async () => {
      const jti = randomUUID();
      const short = new DpopProofVerifier(
        { proofMaxAgeSeconds: 5, clockSkewSeconds: 0 },
        stores[0],
      );
      // Acceptable (and remembered) for SHORT_TTL_MS more: 5 s from its iat, no skew.
      const iat = (Date.now() + SHORT_TTL_MS) / 1000 - 5;
      await expect(outcome(short, await proof(key, jti, iat))).resolves.toBe('accepted');
      const stored = RedisKeys.dpopProof(await calculateJwkThumbprint(key.jwk, 'sha256'), jti);
      await expect(stores[1].claimOnce(stored, Date.now() + 60_000)).resolves.toBe(false);
      await elapse(PAST_SHORT_TTL_MS);
      await expect(stores[1].claimOnce(stored, Date.now() + 60_000)).resolves.toBe(true);
    });
  });
}
