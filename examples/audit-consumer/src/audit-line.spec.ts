import { EventFactory } from '@app/events';
import { OPAQUE_DIGEST, OPAQUE_TOKEN_ISSUED } from '../../../test/support/token-issued.fixture';
import { auditLine } from './audit-line';

const factory = new EventFactory('urn:token-lifecycle:unit:audit');

describe('auditLine', () => {
  it('says what happened to which token, for whom and when, without its digest or scope', () => {
    const event = factory.create('token.issued', 'jti-1', 'grant-1', OPAQUE_TOKEN_ISSUED);
    const line = auditLine(event);
    expect(line).toEqual({
      time: event.time,
      type: 'token.issued',
      id: event.id,
      subject: 'jti-1',
      client_id: 'web-app',
      sub: 'user-1',
      grant_id: 'grant-1',
    });
    expect(JSON.stringify(line)).not.toContain(OPAQUE_DIGEST);
  });

  it('names the workload that obtained a token with a federated credential (v5)', () => {
    const { grant_id: _grant, ...issued } = OPAQUE_TOKEN_ISSUED;
    const event = factory.create('token.issued', 'jti-2', 'svc-deploy', {
      ...issued,
      client_id: 'svc-deploy',
      sub: 'svc-deploy',
      grant_type: 'client_credentials',
      token_kind: 'access_token',
      federated_issuer: 'https://token.actions.githubusercontent.com',
      federated_subject: 'repo:org/app:ref:refs/heads/main',
    });
    expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v5');
    expect(auditLine(event)).toMatchObject({
      client_id: 'svc-deploy',
      federated_issuer: 'https://token.actions.githubusercontent.com',
      federated_subject: 'repo:org/app:ref:refs/heads/main',
    });
  });

  it('carries the reason of a revocation', () => {
    const event = factory.create('grant.revoked', 'grant-1', 'grant-1', {
      grant_id: 'grant-1',
      client_id: 'web-app',
      exp: 1_700_003_600,
      reason: 'refresh_token_reuse',
    });
    expect(auditLine(event)).toMatchObject({
      type: 'grant.revoked',
      grant_id: 'grant-1',
      client_id: 'web-app',
      reason: 'refresh_token_reuse',
    });
  });

  it('names who acted for whom on an exchanged token, and what it was exchanged from', () => {
    const event = factory.create('token.issued', 'jti-2', 'xg_grant', {
      ...OPAQUE_TOKEN_ISSUED,
      client_id: 'ledger-api',
      grant_id: 'xg_grant',
      exchange_kind: 'delegation',
      act: { sub: 'ledger-api', act: { sub: 'orders-api' } },
      subject_jti: 'jti-1',
      subject_client_id: 'orders-api',
      subject_token_digest: OPAQUE_DIGEST,
    });
    const line = auditLine(event);
    expect(line).toMatchObject({
      sub: 'user-1',
      client_id: 'ledger-api',
      actors: ['ledger-api', 'orders-api'],
      exchanged_from: 'jti-1',
    });
    expect(JSON.stringify(line)).not.toContain(OPAQUE_DIGEST);
  });

  it('names the trace of the request that wrote the event, when there is one', () => {
    const event = factory.create('token.issued', 'jti-1', 'grant-1', OPAQUE_TOKEN_ISSUED);
    expect(auditLine(event, '0af7651916cd43dd8448eb211c80319c')).toMatchObject({
      id: event.id,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(auditLine(event)).not.toHaveProperty('trace_id');
  });
});
