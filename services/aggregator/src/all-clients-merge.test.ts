import { describe, expect, it } from 'vitest';
import { gaugeEntryNewer, groupAllClients, MergedOps } from './all-clients-merge.js';

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

describe('groupAllClients', () => {
  it('merges per partition, Tab and type, leaving out the parts named as duplicates', () => {
    const tab = (name: string, spec: string, count: string) => ({
      name,
      spec,
      ops: { hash: ['i', 'c', count] },
    });
    const groups = groupAllClients(
      [
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '1'), tab('b', 'COUNTER_GROUP', '2')] },
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '10')] },
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '100')] },
        { partition: 2, tabs: [tab('a', 'GAUGE', '1000')] },
      ],
      new Set([2]),
    );
    expect(groups).toEqual([
      { partition: 1, name: 'a', spec: 'COUNTER_GROUP', ops: { hash: ['i', 'c', '11'] } },
      { partition: 1, name: 'b', spec: 'COUNTER_GROUP', ops: { hash: ['i', 'c', '2'] } },
      { partition: 2, name: 'a', spec: 'GAUGE', ops: { hash: ['i', 'c', '1000'] } },
    ]);
  });
});
