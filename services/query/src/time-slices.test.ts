import { describe, expect, it } from 'vitest';
import { mapInSlices, SLICE_MS } from './time-slices.js';

describe('mapInSlices', () => {
  it('maps in order', async () => {
    expect(await mapInSlices([1, 2, 3], (n, i) => n * 10 + i)).toEqual([10, 21, 32]);
    expect(await mapInSlices([], n => n)).toEqual([]);
  });

  it('lets other callbacks run while a long map goes on', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // Busy, as a restore or render is.
      }
    };
    // About 20 slices of work, each item a little.
    await mapInSlices(Array.from({ length: 320 }), () => spin((20 * SLICE_MS) / 320));
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });
});
