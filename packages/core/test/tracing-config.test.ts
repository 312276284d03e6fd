import { ConfigError, loadConfig } from '../src';

describe('tracing config (the OTel environment variables)', () => {
  it('is off when nothing is configured, and when the SDK is disabled or the exporter is none', () => {
    expect(loadConfig({}).tracing).toEqual({ exporters: [], otlpTracesUrl: undefined, serviceName: undefined });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing?.exporters).toEqual(
      [],
    );
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing?.exporters).toEqual([]);
  });

  it('turns OTLP on with an endpoint, building the traces URL from the base as the OTel spec does', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      exporters: ['otlp'],
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      serviceName: undefined,
    });
    // The per-signal variable is used as it is, and wins over the base.
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
      }).tracing?.otlpTracesUrl,
    ).toBe('https://traces.example.com/otlp');
  });

  it('OTEL_TRACES_EXPORTER=otlp alone sends to the spec default collector; console and a service name are kept', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing?.otlpTracesUrl).toBe('http://localhost:4318/v1/traces');
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'ingest-eu' }).tracing).toEqual({
      exporters: ['console'],
      otlpTracesUrl: undefined,
      serviceName: 'ingest-eu',
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp, console' }).tracing?.exporters).toEqual(['otlp', 'console']);
  });

  it('refuses an exporter or protocol this service does not ship, and a bad endpoint, in the one start-up error', () => {
    let caught: unknown;
    try {
      loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT must (use|be)/);
    expect((caught as Error).message).toContain('OTEL_TRACES_EXPORTER must be otlp, console or none');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL must be http/json',
    );
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing?.exporters,
    ).toEqual(['otlp']);
  });
});
