// `/metrics` of every service of a real stack, read with a Prometheus text-format parser: the
// figures equal what was posted (received, applied, rejected by code), the latency histograms
// count one observation per batch and per Commit, and the endpoint answers nothing but GET /metrics.
import { describe, expect, it } from 'vitest';
import { useGatewayStack } from '../support/gateway-stack.js';
import type { Exposition } from '../support/prometheus-scrape.js';
import { metricsUrl, scrape } from '../support/prometheus-scrape.js';

const PARTITIONS = 16;
const EVENTS_MAX_BODY_BYTES = 4096;
const { stack } = useGatewayStack({
  redisShards: 2,
  aggregators: 1,
  // 'metrics listening' (info) tells each process's system-chosen /metrics port.
  env: {
    TABA_LOG_LEVEL: 'info',
    TABA_PARTITIONS: String(PARTITIONS),
    TABA_EVENTS_MAX_BODY_BYTES: String(EVENTS_MAX_BODY_BYTES),
  },
});

async function postEvents(body: unknown): Promise<{ applied: number; rejectedCount: number }> {
  const response = await fetch(`${stack().restUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { applied: number; rejectedCount: number };
}

/** Checks a histogram family's only series: cumulative buckets ending at +Inf = count. */
function expectHistogram(exposition: Exposition, name: string, count: number): void {
  const family = exposition.family(name);
  expect(family.type).toBe('HISTOGRAM');
  const sample = exposition.sample(name);
  const buckets = Object.entries(sample.buckets ?? {})
    .map(([le, n]) => [le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(n)])
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  expect(buckets.length).toBeGreaterThan(5);
  for (let i = 1; i < buckets.length; i += 1) {
    expect(buckets[i]?.[0]).toBeGreaterThan(buckets[i - 1]?.[0] ?? 0);
    expect(buckets[i]?.[1]).toBeGreaterThanOrEqual(buckets[i - 1]?.[1] ?? 0);
  }
  expect(buckets.at(-1)).toEqual([Number.POSITIVE_INFINITY, count]);
  expect(Number(sample.count)).toBe(count);
  expect(Number(sample.sum)).toBeGreaterThan(0);
  // The raw text carries the series Prometheus reads: _bucket{le}, _sum, _count.
  expect(exposition.text).toContain(`${name}_bucket{le="+Inf"} ${count}`);
  expect(exposition.text).toContain(`${name}_count ${count}`);
  expect(exposition.text).toMatch(new RegExp(`^${name}_sum \\d`, 'm'));
}

describe('Prometheus /metrics on every service', () => {
  it('counts what was posted, rejected and committed, with latency histograms', async () => {
    const now = Date.now() / 1000;
    const first = await postEvents({
      client: 'prom-1',
      seq: 1,
      events: [
        { name: 'prom.bid', type: 'CounterGroup', value: 1 },
        { name: 'prom.bid', value: 2 },
        { name: 'prom.mode', type: 'Gauge', value: 'canary' },
        { name: 'prom.bid', value: 3, timestamp: now - 10 * 86_400 },
      ],
    });
    expect(first).toMatchObject({ applied: 3, rejectedCount: 1 });
    const second = await postEvents({
      client: 'prom-2',
      seq: 1,
      events: [
        { name: 'prom.bid', type: 'CounterGroup', value: 4 },
        { name: 'prom.bid', value: 5 },
      ],
    });
    expect(second).toMatchObject({ applied: 2, rejectedCount: 0 });
    const tabs = await fetch(`${stack().restUrl}/v1/tabs?name=prom.bid`);
    expect(tabs.status).toBe(200);

    const ingest = await scrape(metricsUrl(stack().ingest));
    expect(ingest.family('taba_events_received_total').type).toBe('COUNTER');
    expect(ingest.value('taba_events_received_total')).toBe(6);
    expect(ingest.value('taba_events_applied_total')).toBe(5);
    expect(ingest.value('taba_events_rejected_total', { code: 'LATE' })).toBe(1);
    expect(ingest.value('taba_batches_total')).toBe(2);
    expect(ingest.value('taba_inflight_bytes', { budget: 'ingest.inflight_bytes' })).toBe(0);
    expectHistogram(ingest, 'taba_batch_duration_seconds', 2);
    expect(ingest.family('taba_redis_shard_up').metrics.map(shard => shard.value)).toEqual([
      '1',
      '1',
    ]);
    // Process metrics come along (collectDefaultMetrics).
    expect(ingest.family('process_cpu_user_seconds_total').type).toBe('COUNTER');

    const aggregator = await scrape(metricsUrl(stack().aggregators[0] ?? stack().ingest));
    expect(aggregator.value('taba_commit_events_applied_total')).toBe(5);
    const commits = aggregator.value('taba_commit_requests_total');
    expect(commits).toBe(2);
    expectHistogram(aggregator, 'taba_commit_duration_seconds', commits);
    const shards = aggregator.family('taba_redis_shard_up').metrics;
    expect(shards.map(shard => Number(shard.value))).toEqual([1, 1]);
    expect(aggregator.value('taba_partitions')).toBe(PARTITIONS);
    expect(aggregator.value('taba_partitions_owned')).toBe(PARTITIONS);

    const query = await scrape(metricsUrl(stack().query));
    expect(query.value('taba_queries_total', { method: 'GetAggregates' })).toBe(1);
    expect(query.family('taba_cache_entries').type).toBe('GAUGE');

    // The gateway answers /metrics on its REST port.
    const gateway = await scrape(`${stack().restUrl}/metrics`);
    expect(gateway.value('taba_gateway_instances', { service: 'ingest' })).toBe(1);
    expect(gateway.value('taba_gateway_instances', { service: 'aggregator' })).toBe(1);
    expect(gateway.value('taba_auth_required')).toBe(0);
  });

  it('counts a refusal under its reason', async () => {
    const before = await scrape(`${stack().restUrl}/metrics`);
    expect(before.families.has('taba_refused_total')).toBe(false);
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(`${stack().restUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(EVENTS_MAX_BODY_BYTES + 1),
      });
      expect(response.status).toBe(413);
    }
    const gateway = await scrape(`${stack().restUrl}/metrics`);
    expect(gateway.family('taba_refused_total').type).toBe('COUNTER');
    expect(gateway.value('taba_refused_total', { reason: 'BODY_TOO_LARGE' })).toBe(2);
  });

  it('answers nothing but GET /metrics on a service metrics port', async () => {
    const url = metricsUrl(stack().ingest);
    const post = await fetch(url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const other = await fetch(url.replace(/\/metrics$/, '/status'));
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('not found: only GET /metrics\n');
  });

  it('serves the selected Tabs’ Aggregates as a Prometheus exposition on GET /v1/metrics', async () => {
    await postEvents({
      client: 'expo-1',
      seq: 1,
      events: [
        { name: 'expo.bid', value: 2 },
        { name: 'expo.bid', value: 4 },
        { name: 'expo.mode', type: 'Gauge', value: 'canary' },
      ],
    });
    await postEvents({
      client: 'expo-2',
      seq: 1,
      events: [
        { name: 'expo.bid', value: 6 },
        { name: 'expo.mode', type: 'Gauge', value: 'canary' },
      ],
    });
    const exposition = await scrape(`${stack().restUrl}/v1/metrics?name=expo%5C.&re=1`);
    expect(exposition.family('taba_counter_group_count').type).toBe('GAUGE');
    expect(exposition.value('taba_counter_group_count', { tab: 'expo.bid', window: '1m' })).toBe(3);
    expect(
      exposition.value('taba_counter_group_total', { tab: 'expo.bid', window: 'lifetime' }),
    ).toBe(12);
    expect(exposition.value('taba_gauge_clients', { tab: 'expo.mode', value: 'canary' })).toBe(2);
    expect(exposition.text).toContain('taba_counter_group_lifetime_count{tab="expo.bid"} 3\n');
    expect([...exposition.families.keys()].every(name => name.startsWith('taba_'))).toBe(true);
    const unknown = await fetch(`${stack().restUrl}/v1/metrics?nme=expo`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
  });
});
