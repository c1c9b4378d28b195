import type { Env } from '../config/env-readers.js';
import { TABA_VERSION } from '../service/instance-status.js';
import type { TraceExporter, TraceProtocol } from './tracing-settings.js';
import { readTracingSettings } from './tracing-settings.js';

/** A started (or not) tracing SDK: `shutdown` flushes the spans still queued, then stops it. */
export interface Tracing {
  /** False when no exporter is configured: no SDK was loaded, every span is the API's no-op. */
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry trace SDK from the standard `OTEL_*` variables (see
 * readTracingSettings), before the service starts: a NodeTracerProvider with a batch span
 * processor per exporter, the propagators OTEL_PROPAGATORS names (W3C trace context and baggage
 * by default) and AsyncLocalStorage context. With
 * no exporter configured it loads none of the SDK's modules and returns a Tracing that does
 * nothing. A bad `OTEL_*` value throws ConfigError.
 *
 * The sampler (`OTEL_TRACES_SAMPLER`, `_ARG`), the batch processor (`OTEL_BSP_*`), the OTLP
 * endpoint, headers, timeout and compression are read by the SDK from the same environment.
 */
export async function startTracing(env: Env, service: string): Promise<Tracing> {
  const settings = readTracingSettings(env, service);
  if (!settings) return OFF;
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator },
    resources,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = await import(
    '@opentelemetry/semantic-conventions'
  );
  const exporters = await Promise.all(
    settings.exporters.map(exporter => createExporter(exporter, settings.protocol)),
  );
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) override the service's own.
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({
        [ATTR_SERVICE_NAME]: settings.serviceName,
        [ATTR_SERVICE_VERSION]: TABA_VERSION,
      }),
    )
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: exporters.map(exporter => new BatchSpanProcessor(exporter)),
  });
  // OTEL_PROPAGATORS, in its order: W3C trace context and baggage (both by default), or none.
  const propagators = settings.propagators.map(name =>
    name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  provider.register({ propagator: new CompositePropagator({ propagators }) });
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () => {
      stopped ??= provider.shutdown();
      return stopped;
    },
  };
}

async function createExporter(exporter: TraceExporter, protocol: TraceProtocol) {
  if (exporter === 'console') {
    const { ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-node');
    return new ConsoleSpanExporter();
  }
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}
