/**
 * Partition → member (aggregator) assignment by rendezvous hashing with bounded loads.
 *
 * Plain rendezvous (highest-random-weight) hashing gives each member a binomially distributed
 * number of partitions (≈6% standard deviation for 1024 partitions over 5 members), which breaks
 * a "every member within 10% of the mean" requirement too often. Bounding every member to
 * `ceil(P / N)` partitions and assigning greedily in descending score order keeps the
 * rendezvous property (a partition goes to the member that scores it highest unless that member
 * is full) while pinning every load between `P - (N - 1) * ceil(P / N)` and `ceil(P / N)`
 * (204 or 205 for 1024 partitions over 5 members). The price: on a join or leave a few
 * partitions also move between the other members (measured figures in `docs/hashing.md`).
 *
 * The procedure is specified step by step in `docs/hashing.md`; in short:
 * 1. members are de-duplicated and sorted by Unicode code point;
 * 2. `score(m, p) = murmur3_32(UTF-8 of m + "\u0000" + decimal(p), seed 0)`, unsigned;
 * 3. capacity = `ceil(P / N)` per member;
 * 4. all (partition, member) pairs are visited by descending score, ties by member (sorted index)
 *    ascending, then partition ascending; a pair is taken when its partition is still unassigned
 *    and its member is below capacity.
 */

import { DecimalSuffixHasher, murmur3_32String } from './murmur3.js';
import { assertPartition, assertPartitionCount } from './partition.js';

/**
 * Compares two strings by Unicode code point (= UTF-8 byte order), not by UTF-16 code unit as
 * `Array.prototype.sort` does, so other languages (Python `sorted`, Go/Rust byte order) agree.
 * Returns negative, zero or positive.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * Re-ranks a UTF-16 code unit so that comparing ranks orders strings by code point: surrogates
 * (which start code points ≥ U+10000) move above U+E000..U+FFFF.
 */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * De-duplicates and sorts names by code point, so results never depend on input order.
 * Throws when a name is the empty string (almost certainly a configuration mistake).
 */
export function normalizeNames(names: readonly string[], what: string): string[] {
  const unique = [...new Set(names)];
  for (const name of unique) {
    if (name.length === 0) throw new Error(`${what} names must be non-empty strings`);
  }
  return unique.sort(compareCodePoints);
}

/**
 * The rendezvous score of a (member, partition) pair: murmur3_32 (seed 0, unsigned) of the UTF-8
 * bytes of `${member}\u0000${partition}` with the partition in decimal. The NUL separator keeps
 * ("a1", 2) and ("a", 12) apart. Higher scores win.
 */
export function rendezvousScore(member: string, partition: number): number {
  return murmur3_32String(`${member}\u0000${partition}`, 0);
}

/**
 * Assigns every partition to one member by rendezvous hashing with bounded loads.
 *
 * Each member gets at most `ceil(P / N)` and at least `P - (N - 1) * ceil(P / N)` partitions, so
 * with 1024 partitions and 5 members loads are 204 or 205. A join or leave mostly moves
 * partitions to or from the changed member; because capacities shift, a few other partitions
 * may also change owner (measured figures in `docs/hashing.md`).
 *
 * Cost: O(P·N·log(P·N)); ≈ a few ms for 1024 partitions × 10 members.
 *
 * @param members - member names (e.g. aggregator ids); duplicates and order are ignored.
 * @param partitionCount - number of partitions, an integer in [1, 65536].
 * @returns an array indexed by partition whose values index into `normalizeNames(members)`, i.e.
 *   the sorted, de-duplicated member list (also available as `PartitionAssignment.members`).
 * @throws Error when `members` is empty or contains an empty name; RangeError for a bad count.
 */
export function assignPartitions(members: readonly string[], partitionCount: number): Int32Array {
  assertPartitionCount(partitionCount);
  const sorted = normalizeNames(members, 'member');
  return assignSorted(sorted, partitionCount);
}

/** The greedy bounded-load assignment over an already sorted, de-duplicated, non-empty list. */
function assignSorted(sorted: readonly string[], partitionCount: number): Int32Array {
  const memberCount = sorted.length;
  if (memberCount === 0) throw new Error('cannot assign partitions to an empty member list');

  const pairCount = partitionCount * memberCount;
  // Pair id = member * P + partition, so ascending pair id is "member, then partition" order.
  const scores = new Uint32Array(pairCount);
  for (let m = 0; m < memberCount; m++) {
    const base = m * partitionCount;
    // Equal to rendezvousScore(member, p) without a string per pair (the tests check that).
    const hasher = new DecimalSuffixHasher(`${sorted[m] ?? ''}\u0000`);
    for (let p = 0; p < partitionCount; p++) scores[base + p] = hasher.hash(p);
  }

  const order = new Uint32Array(pairCount);
  for (let i = 0; i < pairCount; i++) order[i] = i;
  order.sort((a, b) => {
    const d = (scores[b] ?? 0) - (scores[a] ?? 0);
    return d !== 0 ? d : a - b;
  });

  const capacity = Math.ceil(partitionCount / memberCount);
  const owners = new Int32Array(partitionCount).fill(-1);
  const loads = new Int32Array(memberCount);
  let unassigned = partitionCount;
  for (let i = 0; i < pairCount && unassigned > 0; i++) {
    const pair = order[i] ?? 0;
    const member = Math.floor(pair / partitionCount);
    const partition = pair - member * partitionCount;
    if (owners[partition] !== -1) continue;
    const load = loads[member] ?? 0;
    if (load >= capacity) continue;
    owners[partition] = member;
    loads[member] = load + 1;
    unassigned--;
  }
  return owners;
}

/**
 * An immutable partition → member map built with {@link assignPartitions}. Build one per
 * membership change and query it; lookups are O(1).
 */
export class PartitionAssignment {
  /** The sorted, de-duplicated member names; `owners` values index into this list. */
  readonly members: readonly string[];
  /** Number of partitions covered. */
  readonly partitionCount: number;
  readonly #owners: Int32Array;

  /**
   * @param members - member names; duplicates and order are ignored; must not be empty.
   * @param partitionCount - an integer in [1, 65536].
   */
  constructor(members: readonly string[], partitionCount: number) {
    assertPartitionCount(partitionCount);
    const sorted = normalizeNames(members, 'member');
    this.members = Object.freeze(sorted);
    this.partitionCount = partitionCount;
    this.#owners = assignSorted(sorted, partitionCount);
  }

  /** Index (into {@link members}) of the owner of `partition`; RangeError if out of range. */
  ownerIndexOf(partition: number): number {
    assertPartition(partition, this.partitionCount);
    return this.#owners[partition] ?? -1;
  }

  /** Name of the member owning `partition`; RangeError if out of range. */
  ownerOf(partition: number): string {
    const owner = this.members[this.ownerIndexOf(partition)];
    if (owner === undefined) throw new Error(`partition ${partition} has no owner`);
    return owner;
  }

  /** Partitions owned by `member`, ascending; empty when it is not a member. */
  partitionsOf(member: string): number[] {
    const index = this.members.indexOf(member);
    const result: number[] = [];
    if (index < 0) return result;
    for (let p = 0; p < this.partitionCount; p++) {
      if (this.#owners[p] === index) result.push(p);
    }
    return result;
  }

  /** A copy of the whole map: index = partition, value = index into {@link members}. */
  toArray(): Int32Array {
    return this.#owners.slice();
  }
}
