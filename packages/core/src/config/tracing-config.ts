import type { EnvReader } from './env-reader';

export type TraceExporterName = 'otlp' | 'console';

/**
 * OpenTelemetry tracing, read from the standard OTel variables. Off unless
 * configured: tracing starts when OTEL_TRACES_EXPORTER names an exporter, or
 * when it is unset and an OTLP endpoint is given. (The OTel default of
 * OTEL_TRACES_EXPORTER is `otlp`; here an unset one with no endpoint means
 * off, so a deployment that configured nothing sends nothing anywhere.)
 */
export interface TracingConfig {
  /** Where spans go; empty when tracing is off. */
  exporters: TraceExporterName[];
  /** The OTLP/HTTP traces URL (…/v1/traces) when `otlp` is among the exporters. */
  otlpTracesUrl: string | undefined;
  /** OTEL_SERVICE_NAME; each app has its default (nonstop-ingest-api, nonstop-ingest-worker). */
  serviceName: string | undefined;
}

/** The OTLP/HTTP default of the OTel spec: a collector on this host. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** The per-signal URL from the base endpoint, as the OTel spec builds it: `<base>/v1/traces`. */
function tracesUrlOf(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

export function tracingSettings(r: EnvReader): TracingConfig {
  const serviceName = r.optionalString('OTEL_SERVICE_NAME');
  const tracesEndpoint = r.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', undefined, ['http:', 'https:']);
  const baseEndpoint = r.url('OTEL_EXPORTER_OTLP_ENDPOINT', undefined, ['http:', 'https:']);
  const listed = r.optionalString('OTEL_TRACES_EXPORTER');
  const off: TracingConfig = { exporters: [], otlpTracesUrl: undefined, serviceName };
  if (r.bool('OTEL_SDK_DISABLED', false)) return off;

  let exporters: TraceExporterName[];
  if (listed === undefined) {
    exporters = tracesEndpoint !== undefined || baseEndpoint !== undefined ? ['otlp'] : [];
  } else {
    const names = listed
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const unknown = names.filter((name) => !['otlp', 'console', 'none'].includes(name));
    r.require(
      unknown.length === 0,
      `OTEL_TRACES_EXPORTER must be otlp, console or none, or a comma-separated list of them (got "${listed}")`,
    );
    exporters = names.includes('none')
      ? []
      : [...new Set(names.filter((name): name is TraceExporterName => name === 'otlp' || name === 'console'))];
  }
  if (!exporters.includes('otlp')) return { ...off, exporters };

  // The exporter this service ships speaks OTLP over HTTP with JSON bodies (every collector's :4318 accepts them).
  const protocol = r.optionalString('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? r.optionalString('OTEL_EXPORTER_OTLP_PROTOCOL');
  r.require(
    protocol === undefined || protocol === 'http/json',
    `OTEL_EXPORTER_OTLP_PROTOCOL must be http/json (or unset): traces are sent as OTLP/HTTP JSON (got "${protocol}")`,
  );
  return { exporters, otlpTracesUrl: tracesEndpoint ?? tracesUrlOf(baseEndpoint ?? DEFAULT_OTLP_ENDPOINT), serviceName };
}
