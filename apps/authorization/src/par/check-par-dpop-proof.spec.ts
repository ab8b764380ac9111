import { AppConfig } from '@app/config';
import { DpopProofs, FormParams, RequestContext } from '@app/oauth';
import { MemoryReplayStore, PendingAuthorizationRequest } from '@app/store';
import { DpopKey, dpopKey, dpopProof } from '../../../../test/support/dpop-proof';
import { checkParDpopProof, DPOP_JKT_MISMATCH } from './check-par-dpop-proof';

const PAR_URL = 'https://as.example/oauth2/par';
const PENDING = { clientId: 'web', receivedAt: 0 } as PendingAuthorizationRequest;
const request = (headers: Record<string, string>) =>
  new RequestContext(
    { method: 'POST', url: '/oauth2/par', headers, ip: '::1' },
    FormParams.parse('application/x-www-form-urlencoded', ''),
  );

describe('checkParDpopProof (RFC 9449 §10.1)', () => {
  let key: DpopKey;
  let other: DpopKey;
  let proofs: DpopProofs;
  const sut = (headers: Record<string, string>, pending = PENDING) =>
    checkParDpopProof(proofs, request(headers), PAR_URL, pending);
  const proof = (htu = PAR_URL) => dpopProof({ key, htm: 'POST', htu });

  beforeAll(async () => {
    [key, other] = await Promise.all([dpopKey(), dpopKey()]);
  });
  beforeEach(() => {
    const dpop = { proofMaxAgeSeconds: 60, clockSkewSeconds: 5 };
    proofs = new DpopProofs({ dpop } as AppConfig, new MemoryReplayStore());
  });

  it('leaves a request without a proof as it is', async () => {
    await expect(sut({})).resolves.toBe(PENDING);
  });

  it("binds the code to the proof's key", async () => {
    await expect(sut({ dpop: await proof() })).resolves.toEqual({ ...PENDING, dpopJkt: key.jkt });
  });

  it('accepts dpop_jkt naming the same key', async () => {
    const named = { ...PENDING, dpopJkt: key.jkt };
    await expect(sut({ dpop: await proof() }, named)).resolves.toEqual(named);
  });

  it('refuses dpop_jkt naming another key than the proof: invalid_dpop_proof', async () => {
    await expect(
      sut({ dpop: await proof() }, { ...PENDING, dpopJkt: other.jkt }),
    ).rejects.toMatchObject({ error: 'invalid_dpop_proof', description: DPOP_JKT_MISMATCH });
  });

  it('refuses a proof made for the token endpoint: invalid_dpop_proof', async () => {
    await expect(
      sut({ dpop: await proof('https://as.example/oauth2/token') }),
    ).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
    });
  });
});
