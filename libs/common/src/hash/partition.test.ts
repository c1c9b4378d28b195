import { describe, expect, it } from 'vitest';
import { murmur3_32String } from './murmur3.js';
import { DEFAULT_PARTITION_COUNT, MAX_PARTITION_COUNT, partitionOf } from './partition.js';

/**
 * The test vectors published in docs/hashing.md (keep the two in sync). The hashes were
 * cross-checked with Python's mmh3 5.3.0: `mmh3.hash(name, 0, signed=False)`.
 */
const VECTORS: ReadonlyArray<readonly [name: string, hash: number, partition: number]> = [
  ['', 0, 0],
  ['a', 1009084850, 434],
  ['hello', 613153351, 583],
  ['tab', 3402461159, 999],
  ['tab-0', 4150345228, 524],
  ['tab-1', 1898034655, 479],
  ['tab-2', 2922382130, 818],
  ['orders', 1964526729, 137],
  ['user:42', 3349586805, 885],
  ['customer/12345/cart', 861482805, 821],
  ['Hello, world!', 3224780355, 579],
  ['The quick brown fox jumps over the lazy dog', 776992547, 803],
  ['caf\u00e9', 605818632, 776],
  ['Gr\u00fc\u00dfe', 1791607040, 256],
  ['\u4e16\u754c', 2320492202, 682],
  ['\u{1f30d} emoji', 2586357962, 202],
  ['TAB', 603161207, 631],
  ['tab ', 214871082, 42],
];

describe('partitionOf', () => {
  it('uses 1024 partitions by default and accepts up to 65536', () => {
    expect(DEFAULT_PARTITION_COUNT).toBe(1024);
    expect(MAX_PARTITION_COUNT).toBe(65536);
  });

  it.each(VECTORS)('maps %j (hash %i) to partition %i of 1024', (name, hash, partition) => {
    expect(murmur3_32String(name, 0)).toBe(hash);
    expect(partitionOf(name, DEFAULT_PARTITION_COUNT)).toBe(partition);
  });

  it('is the unsigned hash modulo any partition count', () => {
    for (const [name, hash] of VECTORS) {
      for (const count of [1, 2, 3, 7, 1000, 1024, 4096, 65535, 65536]) {
        expect(partitionOf(name, count)).toBe(hash % count);
      }
    }
    // 'tab' hashes above 2^31: a signed hash would give a negative or different remainder.
    expect(partitionOf('tab', 1000)).toBe(159);
  });

  it('puts everything in partition 0 when there is one partition', () => {
    expect(partitionOf('anything', 1)).toBe(0);
  });

  it.each([0, -1, 1.5, 65537, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects partitionCount %s with a RangeError',
    count => {
      expect(() => partitionOf('tab', count)).toThrow(RangeError);
      expect(() => partitionOf('tab', count)).toThrow(
        /partitionCount must be an integer in \[1, 65536\]/,
      );
    },
  );
});
