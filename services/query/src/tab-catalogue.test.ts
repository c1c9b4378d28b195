import { describe, expect, it } from 'vitest';
import { entryBytes, TabCatalogue } from './tab-catalogue.js';

const types = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('TabCatalogue', () => {
  it('names every partition behind until read, then only those at an older version', () => {
    const catalogue = new TabCatalogue(4, 1 << 20);
    expect(catalogue.behind([0, 0, 0, 0])).toEqual([0, 1, 2, 3]);
    catalogue.apply(0, 0, types({}));
    catalogue.apply(1, 5, types({ 'b.x': 'COUNTER_GROUP' }));
    catalogue.apply(2, 7, types({ 'c.x': 'GAUGE' }));
    catalogue.apply(3, 0, types({}));
    expect(catalogue.behind([0, 5, 7, 0])).toEqual([]);
    expect(catalogue.behind([0, 6, 7, 1])).toEqual([1, 3]);
    // Kept Tabs newer than asked for are new enough.
    expect(catalogue.behind([0, 5, 3, 0])).toEqual([]);
  });

  it('keeps every name in code-point order across partitions, merging new names in', () => {
    const catalogue = new TabCatalogue(3, 1 << 20);
    catalogue.apply(0, 1, types({ 'm.b': 'GAUGE', 'z.a': 'GAUGE' }));
    catalogue.apply(1, 1, types({ 'a.c': 'BUFFER' }));
    expect(catalogue.names()).toEqual(['a.c', 'm.b', 'z.a']);
    // Astral code points sort after U+E000..U+FFFF, as compareCodePoints orders them.
    catalogue.apply(2, 1, types({ 'q\u{1F4A5}': 'GAUGE', 'q\uFFFD': 'GAUGE', 'b.a': 'GAUGE' }));
    expect(catalogue.names()).toEqual(['a.c', 'b.a', 'm.b', 'q\uFFFD', 'q\u{1F4A5}', 'z.a']);
    expect(catalogue.entry('b.a')).toEqual({ partition: 2, spec: 'GAUGE' });
    expect(catalogue.entry('a.c')).toEqual({ partition: 1, spec: 'BUFFER' });
    expect(catalogue.entry('nope')).toBeUndefined();
  });

  it('drops the names a re-read no longer finds and takes changed specs', () => {
    const catalogue = new TabCatalogue(2, 1 << 20);
    catalogue.apply(0, 1, types({ 'a.x': 'GAUGE', 'a.y': 'HISTOGRAM:1,5' }));
    catalogue.apply(1, 1, types({ 'b.x': 'GAUGE' }));
    expect(catalogue.names()).toEqual(['a.x', 'a.y', 'b.x']);
    catalogue.apply(0, 2, types({ 'a.y': 'HISTOGRAM:1,10', 'a.z': 'GAUGE' }));
    expect(catalogue.names()).toEqual(['a.y', 'a.z', 'b.x']);
    expect(catalogue.entry('a.x')).toBeUndefined();
    expect(catalogue.entry('a.y')?.spec).toBe('HISTOGRAM:1,10');
    // Deleted, then written again: listed once.
    catalogue.apply(0, 3, types({}));
    catalogue.apply(0, 4, types({ 'a.y': 'GAUGE' }));
    expect(catalogue.names()).toEqual(['a.y', 'b.x']);
    expect(catalogue.stats()).toMatchObject({ tabs: 2 });
  });

  it('moves only the version, and keeps its list of names, when a re-read finds the same Tabs', () => {
    const catalogue = new TabCatalogue(1, 1 << 20);
    catalogue.apply(0, 1, types({ 'a.x': 'GAUGE' }));
    const names = catalogue.names();
    catalogue.apply(0, 9, types({ 'a.x': 'GAUGE' }));
    // The same list: the regex workers and the match cache keep what they have for it.
    expect(catalogue.names()).toBe(names);
    expect(catalogue.behind([9])).toEqual([]);
    catalogue.apply(0, 10, types({ 'a.x': 'BUFFER' }));
    expect(catalogue.entry('a.x')?.spec).toBe('BUFFER');
  });

  it('counts each Tab as 2 × (name + spec) + 128 bytes', () => {
    expect(entryBytes('a.x', 'GAUGE')).toBe(2 * 8 + 128);
    const catalogue = new TabCatalogue(2, 1 << 20);
    catalogue.apply(0, 1, types({ 'a.x': 'GAUGE', 'a.yy': 'BUFFER' }));
    catalogue.apply(1, 1, types({ 'b.x': 'GAUGE' }));
    expect(catalogue.stats().bytes).toBe(144 + (2 * 10 + 128) + 144);
    catalogue.apply(0, 2, types({}));
    expect(catalogue.stats().bytes).toBe(144);
  });

  it('keeps a partition that would pass the byte bound empty and marked, until it fits again', () => {
    // Room for three Tabs of 144 bytes.
    const catalogue = new TabCatalogue(2, 3 * 144);
    catalogue.apply(0, 1, types({ 'a.x': 'GAUGE', 'a.y': 'GAUGE' }));
    catalogue.apply(1, 1, types({ 'b.x': 'GAUGE', 'b.y': 'GAUGE' }));
    expect(catalogue.complete).toBe(false);
    expect(catalogue.stats()).toEqual({ tabs: 2, bytes: 288, maxBytes: 432, overflowing: 1 });
    expect(catalogue.names()).toEqual(['a.x', 'a.y']);
    // Not behind while its version stays: the refusal needs no re-read.
    expect(catalogue.behind([1, 1])).toEqual([]);
    catalogue.apply(1, 2, types({ 'b.x': 'GAUGE' }));
    expect(catalogue.complete).toBe(true);
    expect(catalogue.names()).toEqual(['a.x', 'a.y', 'b.x']);
  });

  it('refuses a partition the cluster does not have', () => {
    const catalogue = new TabCatalogue(2, 1 << 20);
    expect(() => catalogue.apply(2, 1, types({}))).toThrow(RangeError);
  });
});
