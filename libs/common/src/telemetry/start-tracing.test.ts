import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { inSpan } from './spans.js';
import { startTracing } from './start-tracing.js';
import { activeTraceCarrier } from './trace-context.js';

// Only the off path runs here: a started SDK registers process-wide globals, so the on path is
// tested in child processes (test/e2e/traces.test.ts).
describe('startTracing with no exporter configured', () => {
  it('starts no SDK: spans stay the API’s no-op ones and nothing is propagated', async () => {
    const tracing = await startTracing({ OTEL_TRACES_SAMPLER: 'always_on' }, 'ingest');
    expect(tracing.enabled).toBe(false);
    await inSpan('ingest.batch', {}, span => {
      expect(span.isRecording()).toBe(false);
      // No context manager was registered either: the active context stays the root one.
      expect(trace.getSpan(context.active())).toBeUndefined();
      expect(activeTraceCarrier()).toEqual({});
    });
    await tracing.shutdown();
  });

  it('passes a failure through the span unchanged', async () => {
    const failure = new Error('fold failed');
    await expect(
      inSpan('ingest.fold', {}, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
