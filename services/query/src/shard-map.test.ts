import { describe, expect, it } from 'vitest';
import { ShardMap } from './shard-map.js';

describe('ShardMap', () => {
  it('asks the lookup once per partition and answers from the array after', () => {
    let lookups = 0;
    const map = new ShardMap(6, partition => {
      lookups += 1;
      return partition % 2 === 0 ? 'even' : 'odd';
    });
    expect(lookups).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map(p => map.groupOf(p))).toEqual([
      'even',
      'odd',
      'even',
      'odd',
      'even',
      'odd',
    ]);
    expect(lookups).toBe(6);
    expect(map.partitionCount).toBe(6);
  });

  it('groups items by the group of their partition, keeping their order', () => {
    const map = new ShardMap(4, partition => (partition < 2 ? 'a' : 'b'));
    const items = [{ p: 3 }, { p: 0 }, { p: 2 }, { p: 1 }, { p: 3 }];
    const groups = map.group(items, item => item.p);
    expect([...groups.keys()]).toEqual(['b', 'a']);
    expect(groups.get('b')).toEqual([{ p: 3 }, { p: 2 }, { p: 3 }]);
    expect(groups.get('a')).toEqual([{ p: 0 }, { p: 1 }]);
  });

  it('refuses a partition out of range', () => {
    const map = new ShardMap(2, () => 'a');
    expect(() => map.groupOf(2)).toThrow(RangeError);
    expect(() => map.groupOf(-1)).toThrow('partition -1 is not in 0 … 1');
  });
});
