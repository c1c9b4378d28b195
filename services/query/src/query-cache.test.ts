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

describe('QueryCache in bytes', () => {
  it('evicts the least recently used entries past maxBytes, and keeps no value larger than it', () => {
    const big = (fill: string) => fill.repeat(400); // ~816 bytes each
    const cache = new QueryCache(100, 2000);
    cache.store('a', [0], [1], big('a'));
    cache.store('b', [0], [1], big('b'));
    expect(cache.stats()).toMatchObject({ entries: 2 });
    expect(cache.stats().bytes).toBeLessThanOrEqual(2000);
    cache.store('c', [0], [1], big('c'));
    expect(cache.lookup('a', [0], [1])).toBeUndefined();
    expect(cache.lookup('c', [0], [1])).toBe(big('c'));
    cache.store('huge', [0], [1], 'x'.repeat(5000));
    expect(cache.lookup('huge', [0], [1])).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 2, tooLarge: 1 });
  });

  it('counts a long key against the bytes: a 50 MB key is never kept', () => {
    const cache = new QueryCache(1000, 1024 * 1024);
    const key = `aggregates|${'client-'.repeat(100_000)}`;
    cache.store(key, [0], [1], { count: 1 });
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, tooLarge: 1 });
  });
});
