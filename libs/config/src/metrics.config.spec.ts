import { ConfigError } from './config.error';
import { loadMetricsConfig } from './metrics.config';

describe('loadMetricsConfig', () => {
  it('serves metrics to whoever reaches the port by default', () => {
    expect(loadMetricsConfig({})).toEqual({ enabled: true });
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
