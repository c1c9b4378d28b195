import { describe, expect, it } from 'vitest';
import { OwnStalls } from './own-stalls.js';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Holds the event loop, as a long synchronous step of the fuzzer would.
  }
}

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('OwnStalls', () => {
  it('adds up how late its timer ran, counting a stall still going on', async () => {
    const stalls = new OwnStalls(10);
    try {
      await pause(30);
      const before = stalls.stalledMs();
      blockFor(200);
      // Read before the timer has had a chance to run: the stall is counted all the same.
      const during = stalls.stalledMs() - before;
      expect(during).toBeGreaterThanOrEqual(180);
      expect(during).toBeLessThanOrEqual(260);
      await pause(30);
      expect(stalls.stalledMs() - before).toBeGreaterThanOrEqual(180);
      expect(stalls.longestMs).toBeGreaterThanOrEqual(180);
    } finally {
      stalls.stop();
    }
  });

  it('counts a stall the timer would have ended, not the interval itself', () => {
    let clock = 1000;
    const stalls = new OwnStalls(10, () => clock);
    try {
      clock = 1008;
      expect(stalls.stalledMs()).toBe(0);
      clock = 1310;
      expect(stalls.stalledMs()).toBe(300);
    } finally {
      stalls.stop();
    }
  });
});
