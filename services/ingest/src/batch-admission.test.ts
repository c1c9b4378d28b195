import { describe, expect, it } from 'vitest';
import { BatchAdmission } from './batch-admission.js';

/** A clock the test moves. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let at = 0;
  return { now: () => at, advance: ms => (at += ms) };
}

describe('BatchAdmission', () => {
  it('takes a batch of any size when nothing is in flight', () => {
    const admission = new BatchAdmission({ maxQueueMs: 1 }, manualClock().now);
    const release = admission.admit(100_000_000);
    release();
    expect(admission.refused).toBe(0);
  });

  it('refuses with OVERLOADED when the batches ahead would take longer than the limit', () => {
    // Before the rate is measured a byte costs 0.002 ms: 500,000 bytes ahead are 1,000 ms.
    const admission = new BatchAdmission({ maxQueueMs: 1000 }, manualClock().now);
    admission.admit(250_000);
    admission.admit(249_999);
    expect(() => admission.admit(2)).toThrow(
      expect.objectContaining({
        kind: 'RESOURCE_EXHAUSTED',
        reason: 'OVERLOADED',
        message: expect.stringContaining('TABA_INGEST_MAX_QUEUE_MS 1000'),
      }),
    );
    expect(admission.refused).toBe(1);
    expect(admission.metrics('ingest.admission')).toEqual({
      'ingest.admission_queue_ms': 1000,
      'ingest.admission_refused': 1,
    });
  });

  it('bounds the wait by half the caller’s remaining deadline when that is sooner', () => {
    const admission = new BatchAdmission({ maxQueueMs: 10_000 }, manualClock().now);
    admission.admit(250_000); // 500 ms ahead
    expect(() => admission.admit(1000, 1000)).toThrow(/over 500 ms/);
    expect(() => admission.admit(1000, 1100)).not.toThrow();
  });

  it('measures the rate batches are answered at once busy for a fifth of the window', () => {
    const clock = manualClock();
    const admission = new BatchAdmission({ maxQueueMs: 1000, windowMs: 5000 }, clock.now);
    const first = admission.admit(1000);
    const second = admission.admit(1000);
    clock.advance(1000);
    first(); // 1,000 bytes answered in 1,000 ms busy: 1 byte per ms
    expect(() => admission.admit(1)).toThrow(/would take 1001 ms/);
    expect(() => admission.admit(0)).not.toThrow();
    second();
  });

  it('keeps the measured rate across idle, and a release counts once', () => {
    const clock = manualClock();
    const admission = new BatchAdmission({ maxQueueMs: 1000 }, clock.now);
    const release = admission.admit(1000);
    clock.advance(5000);
    release();
    release();
    expect(admission.metrics('x')).toEqual({ x_queue_ms: 0, x_refused: 0 });
    clock.advance(60_000);
    // 5 ms a byte, as measured before the pause (the window slid past it: assumed again).
    admission.admit(100);
    expect(() => admission.admit(1)).not.toThrow();
    const fresh = new BatchAdmission({ maxQueueMs: 1000 }, clock.now);
    const busy = fresh.admit(1000);
    clock.advance(5000);
    busy();
    clock.advance(1000);
    // Idle for a second, still within the 5 s window: 1,000 bytes took 5,000 busy ms.
    fresh.admit(100);
    expect(() => fresh.admit(100)).not.toThrow();
    expect(() => fresh.admit(1)).toThrow(/would take 1005 ms, over 1000 ms/);
  });
});
