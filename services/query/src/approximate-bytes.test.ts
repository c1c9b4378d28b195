import { describe, expect, it } from 'vitest';
import { approximateBytes } from './approximate-bytes.js';

describe('approximateBytes', () => {
  it('grows with what a value holds: strings, typed arrays, Maps, nested objects', () => {
    expect(approximateBytes('abcd')).toBe(24);
    expect(approximateBytes(new Float64Array(1000))).toBe(32 + 8000);
    const map = new Map([['k', { n: 1 }]]);
    // Map 32 + 16 per entry, key 18, object 32 + slot 8 + key "n" 18 + value 8.
    expect(approximateBytes(map)).toBe(32 + 16 + 18 + 32 + 8 + 18 + 8);
  });

  it('counts a shared object once and terminates on cycles', () => {
    const shared = { values: new Float64Array(100) };
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(approximateBytes([shared, shared])).toBeLessThan(2 * approximateBytes(shared));
    expect(approximateBytes(cyclic)).toBeGreaterThan(0);
  });
});
