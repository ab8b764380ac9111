import { ServiceMetrics } from './service.metrics';

describe('ServiceMetrics', () => {
  it("scrapes its own metrics and the process's, each series labelled with the service", async () => {
    const sut = new ServiceMetrics('issuance');
    sut.lifecycle.tokenIssued('client_credentials', 'access_token', 'jwt');
    sut.http.observe('/oauth2/token', 'POST', 200, undefined, 0.002);
    const text = await sut.scrape();
    expect(text).toContain(
      'token_lifecycle_tokens_issued_total{grant_type="client_credentials",kind="access_token",format="jwt",client="",service="issuance"} 1',
    );
    expect(text).toContain(
      'token_lifecycle_http_requests_total{route="/oauth2/token",method="POST",status="200",error="",service="issuance"} 1',
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="issuance"\} /m);
  });

  it('keeps each application apart: two in one process count their own', async () => {
    const a = new ServiceMetrics('a');
    const b = new ServiceMetrics('b');
    a.lifecycle.revoked('grant');
    expect(await a.scrape()).toContain(
      'token_lifecycle_revocations_total{kind="grant",client="",service="a"} 1',
    );
    expect(await b.scrape()).not.toContain('token_lifecycle_revocations_total{');
  });

  it('labels an unmatched request without its URL', async () => {
    const sut = new ServiceMetrics('s');
    sut.http.observe(undefined, 'GET', 404, 'not_found', 0.001);
    expect(await sut.scrape()).toContain('route="unmatched"');
  });

  it('reports the age of the newest event a projector applied, only where one runs', async () => {
    const sut = new ServiceMetrics('revocation');
    const age = /^token_lifecycle_projector_newest_applied_event_age_seconds\{[^}]*\} (\S+)$/m;
    expect(await sut.scrape()).not.toMatch(age);
    sut.projector.started();
    expect(Number(age.exec(await sut.scrape())![1])).toBeLessThan(5);
    sut.projector.eventApplied('token.revoked', new Date(Date.now() - 30_000).toISOString());
    sut.projector.eventApplied('token.issued', new Date(Date.now() - 90_000).toISOString());
    const seconds = Number(age.exec(await sut.scrape())![1]);
    expect(seconds).toBeGreaterThanOrEqual(30);
    expect(seconds).toBeLessThan(35);
  });

  it('holds no registry and ignores every update when disabled', async () => {
    const sut = new ServiceMetrics('off', false);
    expect(sut.registry).toBeNull();
    sut.http.observe('/oauth2/token', 'POST', 200, undefined, 0.001);
    sut.lifecycle.tokenIssued('client_credentials', 'access_token', 'jwt');
    sut.events.kafkaError('produce');
    sut.store.redisError('token-lifecycle', 'command');
    sut.projector.behind(0, 5);
    await expect(sut.scrape()).rejects.toThrow(/disabled/);
  });
});
