import { describe, expect, it } from 'vitest';
import { StaticDiscovery } from '../discovery/static-discovery.js';
import { PartitionAssignment } from '../hash/rendezvous.js';
import {
  discoveryDetails,
  formatMembers,
  formatPartitionRanges,
  ownerCountDetails,
} from './discovery-status.js';

describe('discovery status details', () => {
  it('lists members as id@address, or the address alone when it is the id', () => {
    expect(
      formatMembers([
        { id: 'aggregator-1', address: '10.0.0.1:8320' },
        { id: '10.0.0.2:8320', address: '10.0.0.2:8320' },
      ]),
    ).toBe('aggregator-1@10.0.0.1:8320,10.0.0.2:8320');
    expect(formatMembers([])).toBe('');
  });

  it('describes the source, this instance and every peer service', () => {
    const discovery = new StaticDiscovery({ aggregator: ['127.0.0.1:1', '127.0.0.1:2'] });
    expect(
      discoveryDetails(discovery, ['aggregator', 'query'], {
        id: '127.0.0.1:9',
        address: '127.0.0.1:9',
      }),
    ).toEqual({
      discovery: 'static',
      'self.id': '127.0.0.1:9',
      'self.address': '127.0.0.1:9',
      'members.aggregator': '127.0.0.1:1,127.0.0.1:2',
      'members.query': '',
    });
  });

  it('counts the partitions of every owner', () => {
    expect(ownerCountDetails(undefined)).toEqual({ 'partitions.owners': '0' });
    expect(ownerCountDetails(new PartitionAssignment(['b', 'a'], 64))).toEqual({
      'partitions.owners': '2',
      'partitions.owner.a': '32',
      'partitions.owner.b': '32',
    });
    const three = ownerCountDetails(new PartitionAssignment(['a', 'b', 'c'], 64));
    const counts = ['a', 'b', 'c'].map(id => Number(three[`partitions.owner.${id}`]));
    // Bounded loads: nobody above ceil(64 / 3).
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(64);
    expect(Math.max(...counts)).toBeLessThanOrEqual(22);
  });

  it('writes partitions as ranges, cut at a comma past the limit', () => {
    expect(formatPartitionRanges([])).toBe('');
    expect(formatPartitionRanges([5])).toBe('5');
    expect(formatPartitionRanges([0, 1, 2, 3, 7, 9, 10, 11, 12])).toBe('0-3,7,9-12');
    expect(formatPartitionRanges([0, 2, 4, 6, 8], 6)).toBe('0,2,4,…');
  });
});
