import { PartitionAssignment } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { PartitionOwnership } from './partition-ownership.js';

describe('PartitionOwnership', () => {
  it('owns every partition while it sees no aggregator, or not itself among them', () => {
    const ownership = new PartitionOwnership(8);
    expect(ownership.ownedBy('aggregator-1')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ownership.describe('aggregator-1')).toEqual({
      'partitions.owners': '0',
      'partitions.owned': '8',
      'partitions.owned.ranges': '0-7',
      'partitions.owned.basis': 'every partition: not among the aggregators it sees',
    });
    ownership.update(['aggregator-2']);
    expect(ownership.ownedBy('aggregator-1')).toHaveLength(8);
    expect(ownership.describe('aggregator-1')['partitions.owner.aggregator-2']).toBe('8');
  });

  it('owns its rendezvous share, compared by discovery id, rebuilt on every change', () => {
    const ownership = new PartitionOwnership(64);
    ownership.update(['aggregator-1', 'aggregator-2']);
    const expected = new PartitionAssignment(['aggregator-1', 'aggregator-2'], 64);
    const mine = ownership.ownedBy('aggregator-1');
    expect(mine).toEqual(expected.partitionsOf('aggregator-1'));
    expect(mine).toHaveLength(32);
    const details = ownership.describe('aggregator-1');
    expect(details).toMatchObject({
      'partitions.owners': '2',
      'partitions.owner.aggregator-1': '32',
      'partitions.owner.aggregator-2': '32',
      'partitions.owned': '32',
      'partitions.owned.basis': 'its share of the aggregators it sees',
    });
    // The ranges name exactly the partitions owned.
    const named = (details['partitions.owned.ranges'] ?? '').split(',').flatMap(range => {
      const [first = 0, last = first] = range.split('-').map(Number);
      return Array.from({ length: last - first + 1 }, (_, i) => first + i);
    });
    expect(named).toEqual(mine);

    ownership.update(['aggregator-1']);
    expect(ownership.ownedBy('aggregator-1')).toHaveLength(64);
  });
});
