import { describe, expect, it } from 'vitest';
import { gaugeEntryNewer, MergedOps } from './merged-ops.js';

describe('MergedOps', () => {
  it('adds sums, keeps the least and greatest, and the newest gauge entry per field', () => {
    const merged = new MergedOps();
    merged.add({
      hash: ['i', 'c', '2', 'f', 't', '0.1', 'n', 'lo', '5', 'x', 'hi', '5', 'g', 'g:a', '10|0|n1'],
    });
    merged.add({
      hash: ['i', 'c', '3', 'f', 't', '0.2', 'n', 'lo', '-1', 'x', 'hi', '9', 'g', 'g:a', '9|0|n7'],
    });
    merged.add({ hash: ['i', 'new', '1'] });
    expect(merged.toOps()).toEqual({
      hash: [
        'i',
        'c',
        '5',
        'f',
        't',
        String(0.1 + 0.2),
        'n',
        'lo',
        '-1',
        'x',
        'hi',
        '9',
        'g',
        'g:a',
        '10|0|n1',
        'i',
        'new',
        '1',
      ],
    });
  });

  it('keeps every Buffer entry and the highest rank per register and bucket', () => {
    const merged = new MergedOps();
    merged.add({
      hash: [],
      buffer: { cap: 3, entries: ['1', 'a'] },
      registers: [{ bucket: 'L', expireAtMs: 0, pairs: [5, 2, 7, 1] }],
    });
    merged.add({
      hash: [],
      buffer: { cap: 3, entries: ['2', 'b'] },
      registers: [
        { bucket: 'L', expireAtMs: 0, pairs: [5, 1, 7, 4] },
        { bucket: '0:9', expireAtMs: 100, pairs: [1, 1] },
      ],
    });
    expect(merged.toOps()).toEqual({
      hash: [],
      buffer: { cap: 3, entries: ['1', 'a', '2', 'b'] },
      registers: [
        { bucket: 'L', expireAtMs: 0, pairs: [5, 2, 7, 4] },
        { bucket: '0:9', expireAtMs: 100, pairs: [1, 1] },
      ],
    });
  });
});

describe('gaugeEntryNewer', () => {
  it('orders by timestamp, then expiry, then strings over numbers, then the greater value', () => {
    expect(gaugeEntryNewer('2|0|n1', '1|0|n9')).toBe(true);
    expect(gaugeEntryNewer('1|5|n1', '1|4|n9')).toBe(true);
    expect(gaugeEntryNewer('1|0|sa', '1|0|n9')).toBe(true);
    expect(gaugeEntryNewer('1|0|n10', '1|0|n9')).toBe(true);
    expect(gaugeEntryNewer('1|0|sb', '1|0|sa')).toBe(true);
    expect(gaugeEntryNewer('1|0|sa', '1|0|sb')).toBe(false);
    expect(gaugeEntryNewer('1|0|n1', 'garbage')).toBe(true);
  });
});

describe('MergedOps Buffer and registers as stored', () => {
  it('keeps the cap highest entries in sorted-set order and drops expired register buckets', () => {
    const merged = new MergedOps();
    merged.add({
      hash: [],
      buffer: { cap: 2, entries: ['5', 'm5', '1', 'm1', '5', 'a5'] },
      registers: [
        { bucket: '0:1', expireAtMs: 1000, pairs: [3, 2] },
        { bucket: 'L', expireAtMs: 0, pairs: [3, 2] },
      ],
    });
    expect(merged.toStoredState(1000)).toEqual({
      hash: {},
      buffer: [
        ['a5', 5],
        ['m5', 5],
      ],
      registers: new Map([['L', { '3': '2' }]]),
    });
    expect(merged.toOps(999).registers?.map(group => group.bucket)).toEqual(['0:1', 'L']);
  });
});
