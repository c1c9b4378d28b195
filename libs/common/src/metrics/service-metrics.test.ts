import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from './service-metrics.js';

describe('ServiceMetrics', () => {
  it('reads the status anew at each scrape: values follow it, vanished series go', async () => {
    const metrics = new ServiceMetrics();
    let figures: Record<string, number> = {
      'ingest.events_received': 3,
      'ingest.events_rejected.LATE': 1,
    };
    metrics.useStatus(() => ({ service: 'ingest', metrics: figures, details: {} }));
    const first = await metrics.exposition();
    expect(first).toMatch(/^taba_events_received_total 3$/m);
    expect(first).toMatch(/^taba_events_rejected_total\{code="LATE"\} 1$/m);
    expect(first).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);

    figures = { 'ingest.events_received': 7, 'ingest.events_rejected.FUTURE': 2 };
    const second = await metrics.exposition();
    expect(second).toMatch(/^taba_events_received_total 7$/m);
    expect(second).toMatch(/^taba_events_rejected_total\{code="FUTURE"\} 2$/m);
    expect(second).not.toMatch(/code="LATE"/);
  });

  it('observes latencies in seconds into cumulative buckets', async () => {
    const metrics = new ServiceMetrics();
    const observe = metrics.latencyHistogram('taba_test_duration_seconds', 'test latency');
    for (const ms of [0.5, 3, 3, 40, 20_000]) observe(ms);
    const text = await metrics.exposition();
    expect(text).toMatch(/^taba_test_duration_seconds_bucket\{le="0.001"\} 1$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_bucket\{le="0.005"\} 3$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_bucket\{le="0.05"\} 4$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_bucket\{le="10"\} 4$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_bucket\{le="\+Inf"\} 5$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_count 5$/m);
    expect(text).toMatch(/^taba_test_duration_seconds_sum 20.0465$/m);
  });
});
