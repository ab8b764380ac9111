import { schemaVersionOf } from '@app/events';
import type { AccessTokenClaims } from '@app/tokens';
import {
  issuedAccessToken,
  issuedTokenOf,
  opaqueTokenRecord,
  tokenIssuedData,
} from './token-issued.codec';

const ISSUER = 'https://as.example.com';
const DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const minted: AccessTokenClaims = {
  iss: ISSUER,
  sub: 'user-1',
  aud: 'https://orders.example.com',
  clientId: 'web-app',
  scope: 'orders:read',
  jti: 'jti-1',
  iat: 1_700_000_000,
  nbf: 1_700_000_000,
  exp: 1_700_003_600,
  grantId: 'grant-1',
  authTime: 1_699_999_990,
  acr: 'loa-2',
  amr: ['pwd', 'otp'],
};
const { grantId: _g, authTime: _t, acr: _a, amr: _m, ...clientCredentials } = minted;

describe('token.issued codec', () => {
  it.each([
    ['a user token', minted],
    ['a client_credentials token', { ...clientCredentials, sub: 'web-app' }],
  ])(
    'gives back, from the event alone, the record the minter made of %s',
    (_, claims: AccessTokenClaims) => {
      const data = tokenIssuedData(issuedAccessToken(claims, 'authorization_code', DIGEST));
      // Through the wire and back, as the projector reads it.
      const read = issuedTokenOf(JSON.parse(JSON.stringify(data)));
      expect(opaqueTokenRecord(read, ISSUER)).toEqual(claims);
    },
  );

  it('writes v3 with token_kind and grant_id, the digest only for an opaque token', () => {
    expect(tokenIssuedData(issuedAccessToken(minted, 'authorization_code', DIGEST))).toEqual({
      jti: 'jti-1',
      client_id: 'web-app',
      sub: 'user-1',
      aud: 'https://orders.example.com',
      scope: 'orders:read',
      grant_type: 'authorization_code',
      grant_id: 'grant-1',
      format: 'opaque',
      token_kind: 'access_token',
      token_digest: DIGEST,
      iat: 1_700_000_000,
      exp: 1_700_003_600,
      auth_time: 1_699_999_990,
      acr: 'loa-2',
      amr: ['pwd', 'otp'],
    });
    const jwt = tokenIssuedData(issuedAccessToken(minted, 'authorization_code', undefined));
    expect(jwt).toMatchObject({ format: 'jwt', token_kind: 'access_token' });
    expect(jwt).not.toHaveProperty('token_digest');
  });

  it('reads v1 and v2 from logs written before v3 as the same token', () => {
    const v3 = tokenIssuedData(issuedAccessToken(minted, 'authorization_code', DIGEST));
    const { token_kind: _k, ...v1 } = v3;
    const v2 = { ...v1, kind: 'access_token' as const };
    expect(issuedTokenOf(v1)).toEqual(issuedTokenOf(v3));
    expect(issuedTokenOf(v2)).toEqual(issuedTokenOf(v3));
    expect(issuedTokenOf({ ...v1, kind: 'refresh_token', family_exp: 9 })).toMatchObject({
      kind: 'refresh_token',
      familyExp: 9,
    });
  });

  it('writes a bound token as v4 with its thumbprint, and reads the binding back', () => {
    const bound = { ...minted, cnf: { jkt: DIGEST } };
    const data = tokenIssuedData(issuedAccessToken(bound, 'authorization_code', DIGEST));
    expect(data).toMatchObject({ cnf_kind: 'jkt', cnf_thumbprint: DIGEST });
    expect(schemaVersionOf('token.issued', data)).toBe('v4');
    const read = issuedTokenOf(JSON.parse(JSON.stringify(data)));
    expect(opaqueTokenRecord(read, ISSUER)).toEqual(bound);
    const mtls = tokenIssuedData(
      issuedAccessToken({ ...minted, cnf: { 'x5t#S256': DIGEST } }, 'x', undefined),
    );
    expect(mtls).toMatchObject({ cnf_kind: 'x5t#S256', cnf_thumbprint: DIGEST });
    expect(issuedTokenOf(mtls).cnf).toEqual({ 'x5t#S256': DIGEST });
    // A bearer token stays v3, which every v3 reader reads.
    expect(
      schemaVersionOf('token.issued', tokenIssuedData(issuedAccessToken(minted, 'x', DIGEST))),
    ).toBe('v3');
  });

  it('writes a token obtained with an external token as v5, bound or not, and reads it back', () => {
    const federated = { issuer: 'https://ci.example', subject: 'repo:org/app:ref:refs/heads/main' };
    const grantToken = { ...minted, idp: 'https://idp.example' };
    const data = tokenIssuedData(issuedAccessToken(grantToken, 'jwt-bearer', DIGEST, federated));
    expect(data).toMatchObject({
      federated_issuer: federated.issuer,
      federated_subject: federated.subject,
      idp: 'https://idp.example',
    });
    expect(data).not.toHaveProperty('cnf_kind');
    expect(schemaVersionOf('token.issued', data)).toBe('v5');
    const read = issuedTokenOf(JSON.parse(JSON.stringify(data)));
    expect(read.federated).toEqual(federated);
    // The opaque token's record keeps its idp (introspection answers it).
    expect(opaqueTokenRecord(read, ISSUER)).toEqual(grantToken);
    const bound = { ...minted, cnf: { jkt: DIGEST } };
    const boundData = tokenIssuedData(issuedAccessToken(bound, 'x', undefined, federated));
    expect(boundData).toMatchObject({ cnf_kind: 'jkt', cnf_thumbprint: DIGEST });
    expect(schemaVersionOf('token.issued', boundData)).toBe('v5');
    expect(issuedTokenOf(boundData).cnf).toEqual({ jkt: DIGEST });
  });

  it('leaves an empty amr out rather than send it empty', () => {
    const data = tokenIssuedData({ ...issuedAccessToken(minted, 'x', undefined), amr: [] });
    expect(data).not.toHaveProperty('amr');
  });

  // RFC 8693: an exchanged token records its chain on v6, and its opaque record keeps `act`.
  it('writes an exchanged token as v6 with its chain, and rebuilds its record with act', () => {
    const exchanged: AccessTokenClaims = {
      ...minted,
      clientId: 'ledger-app',
      grantId: 'xg_chain',
      act: { sub: 'ledger-app', act: { sub: 'orders-app' } },
      cnf: { jkt: DIGEST },
    };
    const origin = {
      kind: 'delegation' as const,
      subjectJti: 'jti-0',
      subjectClientId: 'orders-app',
      subjectDigest: DIGEST,
      subjectGrantId: 'grant-1',
    };
    const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const federated = { issuer: 'https://k8s.example', subject: 'system:serviceaccount:ledger' };
    const data = tokenIssuedData(
      issuedAccessToken(exchanged, grantType, DIGEST, federated, origin),
    );
    expect(schemaVersionOf('token.issued', data)).toBe('v6');
    expect(data).toMatchObject({
      grant_id: 'xg_chain',
      exchange_kind: 'delegation',
      act: { sub: 'ledger-app', act: { sub: 'orders-app' } },
      subject_jti: 'jti-0',
      subject_client_id: 'orders-app',
      subject_token_digest: DIGEST,
      subject_grant_id: 'grant-1',
      cnf_kind: 'jkt',
      federated_issuer: federated.issuer,
      federated_subject: federated.subject,
    });
    const read = issuedTokenOf(JSON.parse(JSON.stringify(data)));
    expect(read.exchange).toEqual(origin);
    expect(read.federated).toEqual(federated);
    expect(opaqueTokenRecord(read, ISSUER)).toEqual(exchanged);
  });

  // A trusted external issuer's JWT as subject token: its issuer rides as `idp` (the token's
  // claim, so an opaque record rebuilt from the log keeps it) and names the subject token.
  it("writes an external subject token's issuer as v6 idp, and rebuilds the record with it", () => {
    const idp = 'https://idp.corp.example';
    const exchanged: AccessTokenClaims = { ...minted, sub: 'alice', grantId: 'xg_ext', idp };
    const origin = {
      kind: 'impersonation' as const,
      subjectJti: 'ext-jti',
      subjectClientId: idp,
      subjectDigest: DIGEST,
    };
    const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const federated = { issuer: idp, subject: 'alice' };
    const data = tokenIssuedData(
      issuedAccessToken(exchanged, grantType, DIGEST, federated, origin),
    );
    expect(schemaVersionOf('token.issued', data)).toBe('v6');
    expect(data).toMatchObject({
      idp,
      sub: 'alice',
      subject_client_id: idp,
      subject_jti: 'ext-jti',
    });
    const read = issuedTokenOf(JSON.parse(JSON.stringify(data)));
    expect(read.idp).toBe(idp);
    expect(opaqueTokenRecord(read, ISSUER)).toEqual(exchanged);
  });
});
