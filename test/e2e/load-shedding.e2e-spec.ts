import { CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const BOUND_MS = 200;

/**
 * SHED_EVENT_LOOP_LAG_MS: once the event loop falls that far behind, new requests are answered
 * 503 with Retry-After at once and readiness says unready, until the loop is calm again. The
 * server runs in this process, so blocking the test's own loop blocks the server's.
 */
describe('load shedding', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer({
      SHED_EVENT_LOOP_LAG_MS: String(BOUND_MS),
      SHED_RETRY_AFTER_SECONDS: '2',
    });
    oauth = new OAuthClient(sut.config.endpoints);
  }, 30_000);
  afterAll(() => sut?.close());

  const token = () =>
    oauth.token({ grant_type: 'client_credentials' }, clientAuth.basic(CLIENTS.basic));
  const blockLoop = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until); // a long synchronous task, as a CPU-bound burst would be
  };
  const eventually = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('never happened');
  };

  it('serves normally while the loop keeps up', async () => {
    // Start-up work (key generation, module init) may itself have lagged the loop: a load
    // balancer waits for readiness, and so does this test.
    await eventually(async () => (await send(`${sut.url}/health/ready`)).status === 200);
    expect((await token()).status).toBe(200);
    const ready = await send(`${sut.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.load).toBe('up');
  });

  it('answers 503 with Retry-After past the bound, unready, probes still answered; then recovers', async () => {
    blockLoop(BOUND_MS * 3);
    // Let the lag timer fire (it was due long ago) before the requests go out.
    await new Promise((r) => setImmediate(r));
    const [shed, ready, live] = await Promise.all([
      token(),
      send(`${sut.url}/health/ready`),
      send(`${sut.url}/health/live`),
    ]);
    expect(shed.status).toBe(503);
    expect(shed.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the server is overloaded; retry later',
    });
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(shed.headers.get('cache-control')).toBe('no-store');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      checks: { load: 'shedding' },
      reasons: { load: expect.stringMatching(/event loop lag \d+ ms/) },
    });
    expect(live.status).toBe(200);
    // Calm again: served again, ready again.
    await eventually(async () => (await send(`${sut.url}/health/ready`)).status === 200);
    expect((await token()).status).toBe(200);
  });
});
