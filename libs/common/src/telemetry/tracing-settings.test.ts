import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import { readTracingSettings } from './tracing-settings.js';

const ENDPOINT = 'http://127.0.0.1:4318';

describe('readTracingSettings', () => {
  it('is off with no exporter configured', () => {
    expect(readTracingSettings({}, 'ingest')).toBeUndefined();
    // Sampler or batch settings alone configure no exporter.
    expect(readTracingSettings({ OTEL_TRACES_SAMPLER: 'always_on' }, 'ingest')).toBeUndefined();
  });

  it('is on with an OTLP endpoint, in http/protobuf, named after the service', () => {
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, 'ingest')).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
      serviceName: 'taba-ingest',
      propagators: ['tracecontext', 'baggage'],
    });
    expect(
      readTracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ENDPOINT}/v1/traces` }, 'query'),
    ).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
      serviceName: 'taba-query',
      propagators: ['tracecontext', 'baggage'],
    });
  });

  it('takes the traces protocol over the generic one, and OTEL_SERVICE_NAME over the default', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'edge-gateway',
    };
    expect(readTracingSettings(env, 'gateway')).toEqual({
      exporters: ['otlp'],
      protocol: 'http/json',
      serviceName: 'edge-gateway',
      propagators: ['tracecontext', 'baggage'],
    });
    expect(
      readTracingSettings(
        { ...env, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
        'gateway',
      )?.protocol,
    ).toBe('http/protobuf');
  });

  it('starts the exporters OTEL_TRACES_EXPORTER names, without an endpoint too', () => {
    expect(
      readTracingSettings({ OTEL_TRACES_EXPORTER: 'console' }, 'aggregator')?.exporters,
    ).toEqual(['console']);
    expect(
      readTracingSettings({ OTEL_TRACES_EXPORTER: 'otlp, console,otlp' }, 'aggregator')?.exporters,
    ).toEqual(['otlp', 'console']);
  });

  it('is off when disabled or with the exporter none, even with an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT };
    expect(
      readTracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'true' }, 'ingest'),
    ).toBeUndefined();
    expect(
      readTracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, 'ingest'),
    ).toBeUndefined();
    expect(
      readTracingSettings({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp,none' }, 'ingest'),
    ).toBeUndefined();
  });

  it('refuses what this build cannot export, naming the variable', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT };
    expect(() =>
      readTracingSettings({ ...endpoint, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'ingest'),
    ).toThrow(
      new ConfigError(
        'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
        'must be one of http/protobuf, http/json, got "grpc"',
      ),
    );
    expect(() => readTracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' }, 'ingest')).toThrow(
      /^OTEL_TRACES_EXPORTER: must be a list of otlp, console, none, got "zipkin"$/,
    );
    expect(() =>
      readTracingSettings({ ...endpoint, OTEL_SDK_DISABLED: 'maybe' }, 'ingest'),
    ).toThrow(/^OTEL_SDK_DISABLED: /);
  });

  it('reads OTEL_PROPAGATORS: W3C trace context and baggage, in order, or none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT };
    const read = (value: string) =>
      readTracingSettings({ ...endpoint, OTEL_PROPAGATORS: value }, 'ingest')?.propagators;
    expect(read('tracecontext')).toEqual(['tracecontext']);
    expect(read('baggage, tracecontext,baggage')).toEqual(['baggage', 'tracecontext']);
    expect(read('none')).toEqual([]);
    expect(() => read('tracecontext,b3')).toThrow(
      new ConfigError(
        'OTEL_PROPAGATORS',
        'must be a list of tracecontext, baggage, none (b3, jaeger and xray are not bundled), got "b3"',
      ),
    );
  });
});
