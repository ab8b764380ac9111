import { ConfigError } from './config.error';
import { loadMetricsConfig } from './metrics.config';

describe('loadMetricsConfig', () => {
  it('serves metrics to whoever reaches the port by default', () => {
    expect(loadMetricsConfig({})).toEqual({ enabled: true, clientLabels: [] });
  });

  it('turns metrics off with METRICS_ENABLED=false', () => {
    expect(loadMetricsConfig({ METRICS_ENABLED: 'false' }).enabled).toBe(false);
    expect(() => loadMetricsConfig({ METRICS_ENABLED: 'no' })).toThrow(/METRICS_ENABLED/);
  });

  it('takes a METRICS_TOKEN of 32 printable characters or more', () => {
    const token = 'Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZg==';
    expect(loadMetricsConfig({ METRICS_TOKEN: token }).token).toBe(token);
  });

  it.each([
    ['too short', 'short-token-0123456789'],
    ['with a space', 'a token with spaces 0123456789abcdef'],
  ])('refuses a METRICS_TOKEN %s, without quoting it', (_case, token) => {
    let error: unknown;
    try {
      loadMetricsConfig({ METRICS_TOKEN: token });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/METRICS_TOKEN/);
    expect((error as Error).message).not.toContain(token);
  });
});

describe('METRICS_CLIENT_LABELS', () => {
  const known = ['svc-a', 'svc-b', 'web-app'];

  it('names no client by default', () => {
    expect(loadMetricsConfig({}, known).clientLabels).toEqual([]);
  });

  it('takes registered client ids, each once', () => {
    expect(
      loadMetricsConfig({ METRICS_CLIENT_LABELS: 'svc-a, web-app,svc-a' }, known).clientLabels,
    ).toEqual(['svc-a', 'web-app']);
  });

  it('refuses a client CONFIG_FILE does not register, naming it', () => {
    expect(() => loadMetricsConfig({ METRICS_CLIENT_LABELS: 'svc-a,svc-typo' }, known)).toThrow(
      /METRICS_CLIENT_LABELS.*svc-typo/,
    );
  });

  it('refuses an empty entry and more than 50 clients', () => {
    expect(() => loadMetricsConfig({ METRICS_CLIENT_LABELS: 'svc-a,,svc-b' }, known)).toThrow(
      /METRICS_CLIENT_LABELS/,
    );
    const many = Array.from({ length: 51 }, (_, i) => `c${i}`);
    expect(() => loadMetricsConfig({ METRICS_CLIENT_LABELS: many.join(',') }, many)).toThrow(
      /at most 50/,
    );
  });
});
