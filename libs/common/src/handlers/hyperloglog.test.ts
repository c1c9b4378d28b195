import { describe, expect, it } from 'vitest';
import { HyperLogLog } from './hyperloglog.js';

describe('HyperLogLog', () => {
  it('is exact for tiny sets and within 2.5% (3σ) up to 300,000', () => {
    expect(new HyperLogLog().estimate()).toBe(0);
    for (const size of [1, 10, 100, 1000, 10_000, 300_000]) {
      const sketch = new HyperLogLog();
      for (let i = 0; i < size; i += 1) sketch.add(`user-${i}`);
      const error = Math.abs(sketch.estimate() - size) / size;
      if (size <= 100) expect(Math.round(sketch.estimate())).toBe(size);
      else expect(error).toBeLessThan(0.025);
    }
  });

  it('ignores repeats and merges to the union', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 3000; i += 1) {
      a.add(`k${i}`);
      a.add(`k${i}`);
      b.add(`k${i + 1500}`);
    }
    const union = new HyperLogLog();
    for (let i = 0; i < 4500; i += 1) union.add(`k${i}`);
    a.merge(b);
    expect(a.registers()).toEqual(union.registers());
    expect(Math.abs(a.estimate() - 4500) / 4500).toBeLessThan(0.025);
  });
});
