/**
 * Partition → Redis shard by consistent hashing on a 32-bit ring, with bounded loads.
 *
 * Partitions are a small fixed set, so instead of hashing them onto the ring, partition p of P
 * sits at the evenly spaced position `floor(p * 2^32 / P)`. Each shard owns `virtualNodes`
 * points at `murmur3_32(UTF-8 of "<shard>#<i>", seed 0)` for i = 0 .. virtualNodes - 1.
 *
 * Plain lookup (the first virtual node at or after a partition's position, wrapping around) makes
 * every partition's owner an independent-looking random draw once virtual nodes outnumber
 * partitions, so shard loads are binomial (≈6-7% standard deviation for 1024 partitions over 5-6
 * shards; 12 of the 24 name sets in the tests leave ±10%, worst 16%) whatever the number of
 * virtual nodes. Hence the default mode
 * bounds loads (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", 2018):
 * every shard takes at most `ceil(P / N)` partitions; partitions are placed in ascending order,
 * each on the first virtual node clockwise from its position whose shard still has room. Loads
 * then differ by at most one from P / N, at the price of a few extra moves on a membership
 * change (measured figures in `docs/hashing.md`). `boundedLoads: false` gives the plain ring,
 * whose moves are exactly minimal. Full specification in `docs/hashing.md`.
 */

import { DecimalSuffixHasher } from './murmur3.js';
import { assertPartition, assertPartitionCount, DEFAULT_PARTITION_COUNT } from './partition.js';
import { normalizeNames } from './rendezvous.js';

/**
 * Virtual nodes per shard unless configured otherwise. With bounded loads, fewer virtual nodes
 * mean longer runs of a shard's points on the ring and so longer cascades when a shard fills:
 * 1024 keeps a 5 ↔ 6 shard change within 1/6 + 5% of the partitions moved (256 is borderline,
 * 64 is not), and a 6-shard ring builds in about 2 ms.
 */
export const DEFAULT_VIRTUAL_NODES = 1024;

/** Largest accepted `virtualNodes`. */
export const MAX_VIRTUAL_NODES = 65536;

const RING_SIZE = 2 ** 32;

/** Options of {@link ConsistentRing}. */
export interface ConsistentRingOptions {
  /** Number of partitions placed on the ring, an integer in [1, 65536]; default 1024. */
  readonly partitionCount?: number;
  /** Virtual nodes per shard, an integer in [1, 65536]; default {@link DEFAULT_VIRTUAL_NODES}. */
  readonly virtualNodes?: number;
  /**
   * Cap every shard at `ceil(P / N)` partitions (default `true`). `false` gives the plain ring:
   * minimal moves (a join only moves partitions to the new shard, a leave only the leaver's),
   * but binomial loads that can be ~20% off the mean with 1024 partitions.
   */
  readonly boundedLoads?: boolean;
}

/**
 * Ring position of partition `partition` of `partitionCount`: `floor(partition * 2^32 / P)`.
 * Exact: the product is below 2^53 and a non-integer quotient is at least 1/P away from the next
 * integer, far more than a double's rounding error near 2^32.
 */
export function partitionRingPosition(partition: number, partitionCount: number): number {
  return Math.floor((partition * RING_SIZE) / partitionCount);
}

/**
 * An immutable consistent-hash ring of Redis shards with its partition assignment precomputed.
 * Build one per shard-set change (≈2 ms for 6 shards with the defaults); lookups are O(1).
 */
export class ConsistentRing {
  /** Sorted (by code point), de-duplicated shard names; shard indexes refer to this list. */
  readonly shards: readonly string[];
  /** Number of partitions placed on the ring. */
  readonly partitionCount: number;
  /** Virtual nodes per shard. */
  readonly virtualNodes: number;
  /** Whether shard loads are capped at `ceil(P / N)`. */
  readonly boundedLoads: boolean;
  /** Shard index of each partition. */
  readonly #owners: Int32Array;

  /**
   * @param shards - shard names (e.g. `host:port`); duplicates and order are ignored; at least one.
   * @param options - partition count (default 1024), virtual nodes per shard (default 1024),
   *   bounded loads (default true).
   * @throws Error for an empty shard list or an empty name; RangeError for bad options.
   */
  constructor(shards: readonly string[], options: ConsistentRingOptions = {}) {
    const partitionCount = options.partitionCount ?? DEFAULT_PARTITION_COUNT;
    const virtualNodes = options.virtualNodes ?? DEFAULT_VIRTUAL_NODES;
    assertPartitionCount(partitionCount);
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
      throw new RangeError(
        `virtualNodes must be an integer in [1, ${MAX_VIRTUAL_NODES}], got ${String(virtualNodes)}`,
      );
    }
    const sorted = normalizeNames(shards, 'shard');
    if (sorted.length === 0) throw new Error('a consistent ring needs at least one shard');
    this.shards = Object.freeze(sorted);
    this.partitionCount = partitionCount;
    this.virtualNodes = virtualNodes;
    this.boundedLoads = options.boundedLoads ?? true;

    const shardCount = sorted.length;
    const nodeCount = shardCount * virtualNodes;
    // Node id = shard * V + i: ascending id is "shard name, then vnode index", the tie-break for
    // equal positions (two of 6,144 random 32-bit points coincide with probability ≈ 0.4%).
    const raw = new Uint32Array(nodeCount);
    for (let s = 0; s < shardCount; s++) {
      const hasher = new DecimalSuffixHasher(`${sorted[s] ?? ''}#`);
      for (let i = 0; i < virtualNodes; i++) raw[s * virtualNodes + i] = hasher.hash(i);
    }
    const order = new Uint32Array(nodeCount);
    for (let n = 0; n < nodeCount; n++) order[n] = n;
    order.sort((a, b) => {
      const d = (raw[a] ?? 0) - (raw[b] ?? 0);
      return d !== 0 ? d : a - b;
    });
    const positions = new Uint32Array(nodeCount);
    const nodeShards = new Int32Array(nodeCount);
    for (let k = 0; k < nodeCount; k++) {
      const node = order[k] ?? 0;
      positions[k] = raw[node] ?? 0;
      nodeShards[k] = Math.floor(node / virtualNodes);
    }

    // With N * capacity >= P there is always a shard with room, so the walk below ends within
    // one turn of the ring.
    const capacity = this.boundedLoads ? Math.ceil(partitionCount / shardCount) : partitionCount;
    const loads = new Int32Array(shardCount);
    this.#owners = new Int32Array(partitionCount);
    for (let p = 0; p < partitionCount; p++) {
      let k = firstAtOrAfter(positions, partitionRingPosition(p, partitionCount));
      let shard = nodeShards[k] ?? 0;
      while ((loads[shard] ?? 0) >= capacity) {
        k = k + 1 === nodeCount ? 0 : k + 1;
        shard = nodeShards[k] ?? 0;
      }
      loads[shard] = (loads[shard] ?? 0) + 1;
      this.#owners[p] = shard;
    }
  }

  /** Index (into {@link shards}) of the shard owning `partition`; RangeError if out of range. */
  shardIndexOf(partition: number): number {
    assertPartition(partition, this.partitionCount);
    return this.#owners[partition] ?? 0;
  }

  /** Name of the shard owning `partition`; RangeError if out of range. */
  shardOf(partition: number): string {
    const shard = this.shards[this.shardIndexOf(partition)];
    if (shard === undefined) throw new Error(`partition ${partition} has no shard`);
    return shard;
  }

  /** A copy of the whole map: index = partition, value = index into {@link shards}. */
  assignment(): Int32Array {
    return this.#owners.slice();
  }

  /** The whole map as names: index = partition, value = shard name. */
  shardNames(): string[] {
    return Array.from(this.#owners, index => this.shards[index] ?? '');
  }

  /** Partitions owned by `shard`, ascending; empty when it is not on the ring. */
  partitionsOf(shard: string): number[] {
    const index = this.shards.indexOf(shard);
    const result: number[] = [];
    if (index < 0) return result;
    for (let p = 0; p < this.partitionCount; p++) {
      if (this.#owners[p] === index) result.push(p);
    }
    return result;
  }
}

/**
 * Index of the first entry of the ascending `positions` that is >= `position`, or 0 when there is
 * none (the ring wraps around).
 */
function firstAtOrAfter(positions: Uint32Array, position: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((positions[mid] ?? 0) < position) lo = mid + 1;
    else hi = mid;
  }
  return lo === positions.length ? 0 : lo;
}
