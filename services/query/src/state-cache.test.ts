import { describe, expect, it } from 'vitest';
import { StateCache, stateEntryOverhead } from './state-cache.js';

describe('StateCache', () => {
  it('serves a State only at the version it was read at, and drops a stale one', () => {
    const cache = new StateCache(1 << 20);
    const state = { count: 3 };
    cache.store('a.x|#all', 7, state, 100);
    expect(cache.lookup('a.x|#all', 7)).toMatchObject({
      state,
      bytes: 100 + stateEntryOverhead('a.x|#all'),
    });
    expect(cache.lookup('a.x|#all', 8)).toBeUndefined();
    expect(cache.lookup('a.x|#all', 7)).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, entries: 0, bytes: 0, maxBytes: 1 << 20 });
  });

  it('evicts the least recently used past its bytes and keeps no State larger than all of them', () => {
    const overhead = stateEntryOverhead('k1');
    const cache = new StateCache(3 * (100 + overhead));
    cache.store('k1', 1, 'one', 100);
    cache.store('k2', 1, 'two', 100);
    cache.store('k3', 1, 'three', 100);
    // k1 is used again, so k2 is the oldest.
    expect(cache.lookup('k1', 1)?.state).toBe('one');
    cache.store('k4', 1, 'four', 100);
    expect(cache.lookup('k2', 1)).toBeUndefined();
    expect(cache.lookup('k1', 1)?.state).toBe('one');
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * (100 + overhead) });
    cache.store('huge', 1, 'huge', 10_000);
    expect(cache.lookup('huge', 1)).toBeUndefined();
    expect(cache.stats().entries).toBe(3);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new StateCache(0);
    cache.store('k', 1, 'v', 1);
    expect(cache.lookup('k', 1)).toBeUndefined();
  });
});
