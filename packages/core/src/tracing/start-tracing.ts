import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '../config/tracing-config';

export interface Tracing {
  readonly enabled: boolean;
  /** Sends the spans still buffered and stops; call before the process exits. Never throws. */
  shutdown(): Promise<void>;
}

const TRACING_OFF: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * Starts the OpenTelemetry SDK as the config says, and registers it as the
 * process's tracer provider, W3C propagator and (AsyncLocalStorage) context
 * manager. With tracing off nothing is loaded or registered: every span the
 * code starts is the API's no-op span and no trace context is stored with a job.
 *
 * `exporter` replaces the configured exporters (tests pass the SDK's
 * InMemorySpanExporter); spans then go out one by one, so a test sees each
 * as soon as it ends.
 */
export async function startTracing(
  config: TracingConfig | undefined,
  options: { defaultServiceName: string; exporter?: SpanExporter },
): Promise<Tracing> {
  if (!options.exporter && (!config || config.exporters.length === 0)) return TRACING_OFF;
  const sdk = await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME } = await import('@opentelemetry/semantic-conventions');
  const processors: SpanProcessor[] = [];
  if (options.exporter) {
    processors.push(new sdk.SimpleSpanProcessor(options.exporter));
  } else {
    if (config?.exporters.includes('otlp')) {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      // Batches: a span costs the request a push onto a buffer, never a round trip (OTEL_BSP_* tune it).
      processors.push(new sdk.BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesUrl })));
    }
    if (config?.exporters.includes('console')) processors.push(new sdk.SimpleSpanProcessor(new sdk.ConsoleSpanExporter()));
  }
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config?.serviceName ?? options.defaultServiceName }),
    spanProcessors: processors,
  });
  provider.register();
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown().catch(() => undefined);
      // Unregistered too, so a test can start tracing again in the same process.
      const api = await import('@opentelemetry/api');
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
}
