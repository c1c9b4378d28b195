import type { Env } from '../config/env-readers.js';
import {
  ConfigError,
  readBoolean,
  readChoice,
  readList,
  readOptionalString,
} from '../config/env-readers.js';

/** The OTLP encodings this build exports in (OTLP over gRPC is not bundled). */
export const TRACE_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type TraceProtocol = (typeof TRACE_PROTOCOLS)[number];

export const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;

/** The propagators this build bundles (W3C; b3, jaeger and xray are not bundled). */
export const TRACE_PROPAGATORS = ['tracecontext', 'baggage', 'none'] as const;
export type TracePropagator = Exclude<(typeof TRACE_PROPAGATORS)[number], 'none'>;
export type TraceExporter = Exclude<(typeof TRACE_EXPORTERS)[number], 'none'>;

/** What start-tracing.ts starts: the exporters, the OTLP encoding and the service's name. */
export interface TracingSettings {
  readonly exporters: readonly TraceExporter[];
  readonly protocol: TraceProtocol;
  readonly serviceName: string;
  /** `OTEL_PROPAGATORS`, in order; empty with `none` (nothing read from callers or sent on). */
  readonly propagators: readonly TracePropagator[];
}

/**
 * Reads the standard `OTEL_*` variables. Tracing is on only when an exporter is configured:
 * `OTEL_TRACES_EXPORTER` names one, or (unset) an OTLP endpoint is given; `OTEL_SDK_DISABLED`
 * or `OTEL_TRACES_EXPORTER=none` turns it off. Endpoints, headers, sampler and batch settings
 * are read by the SDK itself from the same variables.
 *
 * @returns undefined when tracing is off: no SDK is loaded at all.
 */
export function readTracingSettings(env: Env, service: string): TracingSettings | undefined {
  if (readBoolean(env, 'OTEL_SDK_DISABLED', false)) return undefined;
  const endpoint =
    readOptionalString(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ??
    readOptionalString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const named = readList(env, 'OTEL_TRACES_EXPORTER', endpoint === undefined ? [] : ['otlp']);
  for (const exporter of named) {
    if (!(TRACE_EXPORTERS as readonly string[]).includes(exporter)) {
      throw new ConfigError(
        'OTEL_TRACES_EXPORTER',
        `must be a list of ${TRACE_EXPORTERS.join(', ')}, got "${exporter}"`,
      );
    }
  }
  const exporters = named.filter((name): name is TraceExporter => name !== 'none');
  if (named.includes('none') || exporters.length === 0) return undefined;
  const generic = readChoice(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', TRACE_PROTOCOLS, 'http/protobuf');
  return {
    exporters: [...new Set(exporters)],
    protocol: readChoice(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', TRACE_PROTOCOLS, generic),
    serviceName: readOptionalString(env, 'OTEL_SERVICE_NAME') ?? `taba-${service}`,
    propagators: readPropagators(env),
  };
}

/** `OTEL_PROPAGATORS` (the specification's default: `tracecontext,baggage`). */
function readPropagators(env: Env): TracePropagator[] {
  const named = readList(env, 'OTEL_PROPAGATORS', ['tracecontext', 'baggage']);
  for (const propagator of named) {
    if (!(TRACE_PROPAGATORS as readonly string[]).includes(propagator)) {
      throw new ConfigError(
        'OTEL_PROPAGATORS',
        `must be a list of ${TRACE_PROPAGATORS.join(', ')} (b3, jaeger and xray are not bundled), got "${propagator}"`,
      );
    }
  }
  if (named.includes('none')) return [];
  return [...new Set(named.filter((name): name is TracePropagator => name !== 'none'))];
}
