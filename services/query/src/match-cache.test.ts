import { InvalidArgumentError, ResourceExhaustedError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { MatchCache } from './match-cache.js';

describe('MatchCache', () => {
  it('answers the same patterns over the same list of names, and nothing over another list', () => {
    const cache = new MatchCache(10);
    const names = ['a.x', 'b.x'];
    cache.store(['^a'], names, { matched: ['a.x'] });
    expect(cache.lookup(['^a'], names)).toEqual({ matched: ['a.x'] });
    expect(cache.lookup(['^b'], names)).toBeUndefined();
    // Equal names in a new list: the catalogue changed in between, so nothing is kept for it.
    expect(cache.lookup(['^a'], [...names])).toBeUndefined();
    const next = ['a.x', 'b.x', 'c.x'];
    cache.store(['^c'], next, { matched: ['c.x'] });
    expect(cache.lookup(['^a'], next)).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.hits).toBe(1);
  });

  it('keeps REGEX_TOO_SLOW and BAD_REGEX, not REGEX_BUSY', () => {
    const cache = new MatchCache(10);
    const names = ['a'];
    const slow = new InvalidArgumentError('REGEX_TOO_SLOW', 'slow');
    cache.store(['(a+)+$'], names, { refused: slow });
    cache.store(['x'], names, { refused: new ResourceExhaustedError('REGEX_BUSY', 'busy') });
    expect(cache.lookup(['(a+)+$'], names)).toEqual({ refused: slow });
    expect(cache.lookup(['x'], names)).toBeUndefined();
  });

  it('drops the least recently used past its capacity, and keeps none with 0', () => {
    const cache = new MatchCache(2);
    const names = ['a'];
    cache.store(['1'], names, { matched: [] });
    cache.store(['2'], names, { matched: [] });
    cache.lookup(['1'], names);
    cache.store(['3'], names, { matched: [] });
    expect(cache.lookup(['2'], names)).toBeUndefined();
    expect(cache.lookup(['1'], names)).toBeDefined();
    const off = new MatchCache(0);
    off.store(['1'], names, { matched: [] });
    expect(off.lookup(['1'], names)).toBeUndefined();
  });
});
