/**
 * Tab name → partition. The one mapping that clients in other languages must reproduce exactly;
 * `docs/hashing.md` documents it with test vectors.
 */

import { murmur3_32String } from './murmur3.js';

/** Number of partitions the tab-name space is split into unless configured otherwise. */
export const DEFAULT_PARTITION_COUNT = 1024;

/** Largest supported partition count (partition numbers must fit in 16 bits). */
export const MAX_PARTITION_COUNT = 65536;

/**
 * Throws a `RangeError` unless `partitionCount` is an integer in [1, {@link MAX_PARTITION_COUNT}].
 * Shared by the partition, rendezvous and ring code so they reject the same inputs.
 */
export function assertPartitionCount(partitionCount: number): void {
  if (
    !Number.isInteger(partitionCount) ||
    partitionCount < 1 ||
    partitionCount > MAX_PARTITION_COUNT
  ) {
    const got = String(partitionCount);
    throw new RangeError(
      `partitionCount must be an integer in [1, ${MAX_PARTITION_COUNT}], got ${got}`,
    );
  }
}

/**
 * Throws a `RangeError` unless `partition` is an integer in [0, partitionCount).
 * `partitionCount` is assumed to be valid already.
 */
export function assertPartition(partition: number, partitionCount: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
    throw new RangeError(
      `partition must be an integer in [0, ${partitionCount}), got ${String(partition)}`,
    );
  }
}

/**
 * The partition of a tab: `murmur3_32(UTF-8 bytes of tabName, seed 0) mod partitionCount`, the
 * hash taken as an unsigned 32-bit integer.
 *
 * @param tabName - the tab name, hashed as UTF-8 (no normalisation, case-sensitive).
 * @param partitionCount - number of partitions, an integer in [1, 65536]; the deployment uses
 *   {@link DEFAULT_PARTITION_COUNT} unless configured otherwise.
 * @returns the partition number in [0, partitionCount).
 * @throws RangeError when `partitionCount` is out of range or not an integer.
 */
export function partitionOf(tabName: string, partitionCount: number): number {
  assertPartitionCount(partitionCount);
  return murmur3_32String(tabName, 0) % partitionCount;
}
