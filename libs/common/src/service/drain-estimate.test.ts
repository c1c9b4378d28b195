import { describe, expect, it } from 'vitest';
import { DrainEstimate } from './drain-estimate.js';

const options = { windowMs: 5000, assumedMsPerUnit: 0.5, parallelism: 2 };

describe('DrainEstimate', () => {
  it('uses the assumed cost per unit while idle and for the first fifth of a burst', () => {
    const estimate = new DrainEstimate(options);
    expect(estimate.estimatedMs(100, 0)).toBe(25);
    estimate.started(0);
    estimate.completed(1000, 500);
    expect(estimate.estimatedMs(100, 999)).toBe(25);
  });

  it('measures the rate over the busy span once it covers a fifth of the window', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.completed(1000, 500);
    estimate.completed(1000, 1500);
    // 2,000 units in 2,000 ms busy: 1 unit per ms.
    expect(estimate.estimatedMs(300, 2000)).toBe(300);
  });

  it('forgets completions older than the window', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.completed(10_000, 100);
    estimate.completed(500, 9000);
    // The busy span is capped at the window (5,000 ms); only the 500 units at 9,000 ms count.
    expect(estimate.estimatedMs(100, 9500)).toBe(1000);
  });

  it('falls back to the assumed cost when nothing completed in the window', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.completed(10, 100);
    expect(estimate.estimatedMs(100, 20_000)).toBe(25);
  });

  it('starts over after idle', () => {
    const estimate = new DrainEstimate(options);
    estimate.started(0);
    estimate.completed(100, 2000);
    expect(estimate.estimatedMs(100, 2000)).toBe(2000);
    estimate.idle();
    expect(estimate.estimatedMs(100, 2001)).toBe(25);
    estimate.started(3000);
    expect(estimate.estimatedMs(100, 3500)).toBe(25);
  });
});
