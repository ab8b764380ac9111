import { ConfigError } from './config.error';
import { loadTracingConfig } from './tracing.config';

describe('loadTracingConfig (the standard OTEL_* variables)', () => {
  it('is off without an endpoint', () => {
    const sut = loadTracingConfig({});
    expect(sut.tracesEndpoint).toBeUndefined();
    expect(sut.sampler).toBe('parentbased_always_on');
    expect(sut.samplerRatio).toBe(1);
  });

  it('adds /v1/traces to the base endpoint, and takes the traces endpoint as it is', () => {
    expect(
      loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesEndpoint,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      loadTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom',
      }).tracesEndpoint,
    ).toBe('https://traces.example/custom');
  });

  it('stays off when the SDK is disabled or the traces exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(
      loadTracingConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracesEndpoint,
    ).toBeUndefined();
    expect(
      loadTracingConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracesEndpoint,
    ).toBeUndefined();
  });

  it('reads headers, service name and resource attributes; the traces headers win', () => {
    const sut = loadTracingConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b,x=1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x=2',
      OTEL_SERVICE_NAME: 'issuance-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod',
    });
    expect(sut.headers).toEqual({ 'api-key': 'a b', x: '2' });
    expect(sut.serviceName).toBe('issuance-eu');
    expect(sut.resourceAttributes).toEqual({ 'deployment.environment.name': 'prod' });
  });

  it('refuses malformed values, naming the variable and never quoting a header value', () => {
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      ConfigError,
    );
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS/,
    );
    const secret = 'secret%zz';
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_HEADERS: `api-key=${secret}` })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
    expect(() => loadTracingConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(
      /OTEL_TRACES_SAMPLER/,
    );
    expect(() => loadTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG/,
    );
  });
});
