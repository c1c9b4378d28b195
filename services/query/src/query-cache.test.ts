import { describe, expect, it } from 'vitest';
import { QueryCache } from './query-cache.js';

describe('QueryCache', () => {
  it('serves an entry only while every partition version it was built from is unchanged', () => {
    const cache = new QueryCache(10);
    expect(cache.lookup('k', [1, 2], [5, 7])).toBeUndefined();
    cache.store('k', [1, 2], [5, 7], 'value');
    expect(cache.lookup('k', [1, 2], [5, 7])).toBe('value');
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });

    // Partition 2 was written since: a miss, and the stale entry is gone.
    expect(cache.lookup('k', [1, 2], [5, 8])).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 0 });
    expect(cache.lookup('k', [1, 2], [5, 7])).toBeUndefined();
  });

  it('never matches an entry built from other partitions', () => {
    const cache = new QueryCache(10);
    cache.store('k', [1], [3], 'value');
    expect(cache.lookup('k', [2], [3])).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new QueryCache(2);
    cache.store('a', [0], [1], 'A');
    cache.store('b', [0], [1], 'B');
    expect(cache.lookup('a', [0], [1])).toBe('A');
    cache.store('c', [0], [1], 'C');
    expect(cache.lookup('b', [0], [1])).toBeUndefined();
    expect(cache.lookup('a', [0], [1])).toBe('A');
    expect(cache.lookup('c', [0], [1])).toBe('C');
    expect(cache.stats()).toMatchObject({ entries: 2, capacity: 2 });
  });

  it('keeps nothing with capacity 0', () => {
    const cache = new QueryCache(0);
    cache.store('a', [0], [1], 'A');
    expect(cache.lookup('a', [0], [1])).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, entries: 0 });
  });
});
