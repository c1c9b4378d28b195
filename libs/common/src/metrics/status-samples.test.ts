import { describe, expect, it } from 'vitest';
import { loadServiceBaseConfig } from '../service/base-config.js';
import { statusSamples } from './status-samples.js';

const status = (metrics: Record<string, number>, details: Record<string, string> = {}) => ({
  service: 'ingest',
  metrics,
  details,
});

describe('statusSamples', () => {
  it('maps keyed figures to labelled families and leaves derived ones to Prometheus', () => {
    const samples = statusSamples(
      status({
        'ingest.events_received': 6,
        'ingest.events_rejected.LATE': 1,
        'refused.BODY_TOO_LARGE': 2,
        'ingest.inflight_bytes': 10,
        'ingest.inflight_bytes_refused': 3,
        'ingest.batch_ms_p99': 4.5,
        'ingest.events_applied_per_second': 9,
        'something.new': 7,
      }),
    );
    expect(samples).toEqual([
      expect.objectContaining({
        name: 'taba_events_received_total',
        type: 'counter',
        labels: {},
        value: 6,
      }),
      expect.objectContaining({
        name: 'taba_events_rejected_total',
        labels: { code: 'LATE' },
        value: 1,
      }),
      expect.objectContaining({
        name: 'taba_refused_total',
        labels: { reason: 'BODY_TOO_LARGE' },
        value: 2,
      }),
      expect.objectContaining({
        name: 'taba_inflight_bytes',
        type: 'gauge',
        labels: { budget: 'ingest.inflight_bytes' },
        value: 10,
      }),
      expect.objectContaining({
        name: 'taba_inflight_refused_total',
        labels: { budget: 'ingest.inflight_bytes' },
        value: 3,
      }),
      expect.objectContaining({ name: 'taba_status_something_new', type: 'gauge', value: 7 }),
    ]);
  });

  it('reads shard health and partition ownership from the details', () => {
    const samples = statusSamples(
      status(
        {},
        {
          'redis.shards': '2',
          'redis.shard.0': 'redis://127.0.0.1:1 ready ping 1 ms',
          'redis.shard.1': 'redis://127.0.0.1:2 reconnecting error: connect ECONNREFUSED',
          partitions: '1024',
          'partitions.owned': '512',
        },
      ),
    );
    expect(samples.map(sample => [sample.name, sample.labels, sample.value])).toEqual([
      ['taba_redis_shard_up', { shard: 'redis://127.0.0.1:1' }, 1],
      ['taba_redis_shard_up', { shard: 'redis://127.0.0.1:2' }, 0],
      ['taba_partitions', {}, 1024],
      ['taba_partitions_owned', {}, 512],
    ]);
  });
});

describe('TABA_METRICS_ADDRESS and TABA_GRPC_REFLECTION', () => {
  it('defaults to a port per internal service, none for the gateway, reflection on the gateway only', () => {
    expect(loadServiceBaseConfig({}, 'ingest')).toMatchObject({
      metricsAddress: '127.0.0.1:9465',
      grpcReflection: false,
    });
    expect(loadServiceBaseConfig({}, 'aggregator').metricsAddress).toBe('127.0.0.1:9466');
    expect(loadServiceBaseConfig({}, 'query').metricsAddress).toBe('127.0.0.1:9467');
    const gateway = loadServiceBaseConfig({}, 'gateway');
    expect(gateway.metricsAddress).toBeUndefined();
    expect(gateway.grpcReflection).toBe(true);
  });

  it('takes off, an address, and refuses anything else', () => {
    expect(
      loadServiceBaseConfig({ TABA_METRICS_ADDRESS: 'off' }, 'query').metricsAddress,
    ).toBeUndefined();
    expect(
      loadServiceBaseConfig({ TABA_METRICS_ADDRESS: '0.0.0.0:9000' }, 'query').metricsAddress,
    ).toBe('0.0.0.0:9000');
    expect(() => loadServiceBaseConfig({ TABA_METRICS_ADDRESS: 'nowhere' }, 'query')).toThrow(
      /TABA_METRICS_ADDRESS/,
    );
    expect(loadServiceBaseConfig({ TABA_GRPC_REFLECTION: 'on' }, 'ingest').grpcReflection).toBe(
      true,
    );
    expect(loadServiceBaseConfig({ TABA_GRPC_REFLECTION: 'off' }, 'gateway').grpcReflection).toBe(
      false,
    );
    expect(() => loadServiceBaseConfig({ TABA_GRPC_REFLECTION: 'maybe' }, 'gateway')).toThrow(
      /TABA_GRPC_REFLECTION/,
    );
  });
});
