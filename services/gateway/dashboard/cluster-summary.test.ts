import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from './cluster-summary.js';
import { CHANGE_WINDOW_MS, StatusHistory, summarizeInstance } from './cluster-summary.js';

function instance(
  metrics: Record<string, number>,
  details: Record<string, string> = {},
): InstanceStatus {
  return {
    service: 'aggregator',
    instanceId: 'agg-1',
    address: '127.0.0.1:8320',
    startedAt: 1,
    version: '0.1.0',
    metrics,
    details,
  };
}

describe('summarizeInstance', () => {
  it('reads partitions, shards, rates, lags, budgets and refusals from status', () => {
    const summary = summarizeInstance(
      instance(
        {
          'commit.events_applied_per_second': 120,
          'commit.lag_ms_p50': 3,
          'commit.lag_ms_p99': 40,
          'commit.pending_bytes': 10,
          'commit.pending_bytes_limit': 100,
          'commit.pending_bytes_refused': 2,
          'commit.refused_queue_full': 0,
          'commit.shard_calls_failed': 4,
        },
        {
          'partitions.owned': '512',
          'redis.shard.0': 'redis://127.0.0.1:6379 ready ping 0.8 ms',
          'redis.shard.1': 'redis://127.0.0.1:6380 reconnecting',
        },
      ),
    );
    expect(summary).toMatchObject({
      error: undefined,
      partitionsOwned: '512',
      eventsPerSecond: 120,
      commitLagMs: [3, 40],
      batchMs: undefined,
      budgets: [{ name: 'commit.pending_bytes', used: 10, limit: 100, refused: 2 }],
      refusals: [['commit.shard_calls_failed', 4]],
    });
    expect(summary.shards.map(shard => shard.healthy)).toEqual([true, false]);
  });

  it('tells an instance that did not answer', () => {
    expect(summarizeInstance(instance({}, { error: 'UNAVAILABLE: no' })).error).toBe(
      'UNAVAILABLE: no',
    );
  });
});

describe('StatusHistory', () => {
  it('marks what differs from the oldest status within the last minute', () => {
    const history = new StatusHistory();
    const shard = (ping: string) => ({ 'redis.shard.0': `redis://r ready ping ${ping} ms` });
    expect(
      history.record([instance({ a: 1, b: 1 }, shard('1.0'))], 0).get('aggregator agg-1'),
    ).toEqual(new Set());
    // A new ping time is no change; a new value of `a` is.
    const changed = history.record([instance({ a: 2, b: 1 }, shard('2.5'))], 1000);
    expect(changed.get('aggregator agg-1')).toEqual(new Set(['a']));
    // Over a minute later the first status is forgotten: `a` has not changed since 1000.
    const later = history.record([instance({ a: 2, b: 1 }, shard('3'))], 1000 + CHANGE_WINDOW_MS);
    expect(later.get('aggregator agg-1')).toEqual(new Set());
    const down = history.record(
      [instance({ a: 2, b: 1 }, { error: 'gone' })],
      2000 + CHANGE_WINDOW_MS,
    );
    expect(down.get('aggregator agg-1')).toEqual(new Set(['health', 'redis.shard.0']));
  });

  it('marks an instance that appeared within the minute', () => {
    const history = new StatusHistory();
    history.record([], 0);
    expect(history.record([instance({})], 10).get('aggregator agg-1')).toEqual(
      new Set(['instance']),
    );
  });
});
