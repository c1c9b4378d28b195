import { describe, expect, it } from 'vitest';
import { DrainEstimate } from './drain-estimate.js';

const options = { windowMs: 5000, assumedMsPerUnit: 0.5, parallelism: 2 };

describe('DrainEstimate', () => {
  it('uses the assumed cost per unit until a fifth of the window was busy', () => {
    const estimate = new DrainEstimate(options);
    expect(estimate.estimatedMs(100, 0)).toBe(25);
    estimate.started(0);
    estimate.ended(1000, 500);
    estimate.started(500);
    expect(estimate.estimatedMs(100, 999)).toBe(25);
  });

  it('measures units per busy millisecond once the window holds enough busy time', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.ended(1000, 500);
    estimate.started(500);
    estimate.ended(1000, 1500);
    // 2,000 units in 1,500 busy ms.
    expect(estimate.estimatedMs(300, 2000)).toBe(225);
  });

  it('leaves idle gaps out of the rate, and keeps it across them', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.ended(1000, 1000);
    // Idle from 1,000 ms to 3,000 ms: the rate stays 1 unit per busy ms.
    expect(estimate.estimatedMs(500, 3000)).toBe(500);
    estimate.started(3000);
    estimate.ended(500, 3500);
    expect(estimate.estimatedMs(500, 3500)).toBe(500);
  });

  it('counts work still in progress as busy time', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.ended(1000, 1000);
    estimate.started(1000);
    // Busy 2,000 ms so far, 1,000 units done: 2 ms a unit.
    expect(estimate.estimatedMs(100, 2000)).toBe(200);
  });

  it('forgets what is older than the window, and a failed piece adds busy time only', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.ended(10_000, 1000);
    estimate.started(9000);
    estimate.ended(0, 10_000); // failed: 1,000 busy ms, no units
    estimate.started(10_000);
    estimate.ended(500, 10_500);
    // Within the window: 1,500 busy ms, 500 units.
    expect(estimate.estimatedMs(100, 10_500)).toBe(300);
    // Nothing done within the window: the assumed cost again.
    expect(estimate.estimatedMs(100, 30_000)).toBe(25);
  });

  it('answers no measured cost per unit until enough busy time, then busy ms per unit', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.ended(400, 500);
    expect(estimate.measuredMsPerUnit(500)).toBeUndefined();
    estimate.started(500);
    estimate.ended(100, 1000);
    // 500 units in 1,000 busy ms.
    expect(estimate.measuredMsPerUnit(1000)).toBe(2);
    expect(estimate.measuredMsPerUnit(30_000)).toBeUndefined();
  });

  it('counts the rate after minBusyMs of busy time when given', () => {
    const estimate = new DrainEstimate({ ...options, minBusyMs: 100 });
    estimate.started(0);
    estimate.ended(40, 80);
    expect(estimate.measuredMsPerUnit(80)).toBeUndefined();
    estimate.started(80);
    estimate.ended(20, 120);
    // 60 units in 120 busy ms.
    expect(estimate.measuredMsPerUnit(120)).toBe(2);
  });
});
