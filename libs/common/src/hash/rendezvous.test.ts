import { describe, expect, it } from 'vitest';
import {
  assignPartitions,
  compareCodePoints,
  normalizeNames,
  PartitionAssignment,
  rendezvousScore,
} from './rendezvous.js';

const P = 1024;

/** mulberry32: a tiny seeded PRNG, so the random cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 24 sets of 6 member names in three styles; the first 5 of each set are the "before" set. */
function memberSets(): string[][] {
  const random = mulberry32(0xa66);
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const sets: string[][] = [];
  for (let k = 0; k < 8; k++)
    sets.push(Array.from({ length: 6 }, (_, i) => `aggregator-${k}-${i}`));
  for (let k = 0; k < 8; k++) sets.push(Array.from({ length: 6 }, () => hex(16)));
  for (let k = 0; k < 8; k++) {
    sets.push(Array.from({ length: 6 }, (_, i) => `10.${k}.${i * 7}.${10 + i}:${50051 + k}`));
  }
  return sets;
}

/** Owner names by partition. */
function owners(members: readonly string[]): string[] {
  const sorted = normalizeNames(members, 'member');
  return Array.from(assignPartitions(members, P), index => sorted[index] ?? '?');
}

function loads(byPartition: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of byPartition) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/** Largest |load / mean - 1| over the members. */
function maxDeviation(byPartition: readonly string[], memberCount: number): number {
  const mean = byPartition.length / memberCount;
  let worst = 0;
  for (const load of loads(byPartition).values())
    worst = Math.max(worst, Math.abs(load / mean - 1));
  return worst;
}

/**
 * Straightforward reference of the documented procedure (objects, string comparisons), to check
 * the typed-array implementation against.
 */
function referenceAssignment(members: readonly string[], partitionCount: number): string[] {
  const sorted = [...new Set(members)].sort(compareCodePoints);
  const pairs: { score: number; member: string; rank: number; partition: number }[] = [];
  sorted.forEach((member, rank) => {
    for (let partition = 0; partition < partitionCount; partition++) {
      pairs.push({ score: rendezvousScore(member, partition), member, rank, partition });
    }
  });
  pairs.sort((x, y) => y.score - x.score || x.rank - y.rank || x.partition - y.partition);
  const capacity = Math.ceil(partitionCount / sorted.length);
  const result: (string | undefined)[] = new Array(partitionCount).fill(undefined);
  const load = new Map<string, number>();
  for (const pair of pairs) {
    if (result[pair.partition] !== undefined || (load.get(pair.member) ?? 0) >= capacity) continue;
    result[pair.partition] = pair.member;
    load.set(pair.member, (load.get(pair.member) ?? 0) + 1);
  }
  return result.map(owner => owner ?? '?');
}

describe('rendezvousScore', () => {
  it('is murmur3 of "member\\0partition"', () => {
    // Cross-checked with Python: mmh3.hash('aggregator-0\x00' + '0', 0, signed=False).
    expect(rendezvousScore('aggregator-0', 0)).toBe(684892550);
    expect(rendezvousScore('aggregator-0', 1023)).toBe(1363738314);
    expect(rendezvousScore('10.0.0.1:50051', 7)).toBe(1286676272);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, unlike the default UTF-16 sort', () => {
    // U+FF5E (3 UTF-8 bytes) < U+1F30D (4 bytes); UTF-16 code units order them the other way.
    expect(compareCodePoints('\uff5e', '\u{1f30d}')).toBeLessThan(0);
    expect(['\u{1f30d}', '\uff5e'].sort()).toEqual(['\u{1f30d}', '\uff5e']);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });
});

describe('assignPartitions', () => {
  it('matches the golden vector (also in docs/hashing.md)', () => {
    const members = ['aggregator-2', 'aggregator-0', 'aggregator-1'];
    expect(Array.from(assignPartitions(members, 16))).toEqual([
      2, 2, 2, 1, 0, 0, 1, 2, 0, 1, 2, 1, 0, 0, 0, 2,
    ]);
    expect(Array.from(assignPartitions(members, 1024).subarray(0, 16))).toEqual([
      2, 2, 2, 1, 0, 0, 1, 2, 0, 1, 2, 1, 0, 0, 0, 2,
    ]);
  });

  it('follows the documented greedy procedure exactly', () => {
    for (const members of memberSets().slice(0, 6)) {
      expect(owners(members)).toEqual(referenceAssignment(members, P));
      expect(owners(members.slice(0, 2))).toEqual(referenceAssignment(members.slice(0, 2), P));
    }
    expect(owners(['only'])).toEqual(new Array(P).fill('only'));
  });

  it('breaks equal scores by member name, then partition', () => {
    // A real 32-bit collision: both score 1470316585 for partition 0.
    expect(rendezvousScore('member-89440', 0)).toBe(rendezvousScore('member-120380', 0));
    const members = ['member-89440', 'member-120380'];
    // 'member-120380' sorts first (code point of '1' < '8'), so it wins the tie.
    expect(Array.from(assignPartitions(members, 1))).toEqual([0]);
    expect(new PartitionAssignment(members, 1).ownerOf(0)).toBe('member-120380');
  });

  it('is deterministic and independent of input order and duplicates', () => {
    const random = mulberry32(3);
    for (const members of memberSets()) {
      const expected = owners(members);
      const shuffled = [...members, members[0] ?? '', members[3] ?? ''];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] ?? '', shuffled[i] ?? ''];
      }
      expect(owners(shuffled)).toEqual(expected);
      expect(owners(members)).toEqual(expected);
    }
  });

  it('assigns every partition to a valid member index', () => {
    for (const members of memberSets()) {
      const assignment = assignPartitions(members, P);
      expect(assignment.length).toBe(P);
      expect(assignment.every(owner => owner >= 0 && owner < members.length)).toBe(true);
    }
  });

  it('keeps 5 and 6 members within ceil(P/N) and 10% of the mean over 24 name sets', () => {
    let worst = 0;
    for (const six of memberSets()) {
      for (const members of [six.slice(0, 5), six]) {
        const byPartition = owners(members);
        const capacity = Math.ceil(P / members.length);
        const counts = [...loads(byPartition).values()];
        expect(counts.length).toBe(members.length);
        for (const count of counts) {
          expect(count).toBeLessThanOrEqual(capacity);
          expect(count).toBeGreaterThanOrEqual(P - (members.length - 1) * capacity);
        }
        const deviation = maxDeviation(byPartition, members.length);
        expect(deviation).toBeLessThanOrEqual(0.1);
        worst = Math.max(worst, deviation);
      }
    }
    // 5 members: loads 204 or 205 (mean 204.8); 6 members: 169..171 (mean 170.67).
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  it('moves at most 1/N + 5% on a join (5 → 6), nearly all to the new member', () => {
    let worstFraction = 0;
    let worstCollateral = 0;
    for (const six of memberSets()) {
      const joiner = six[5] ?? '';
      const before = owners(six.slice(0, 5));
      const after = owners(six);
      let moved = 0;
      let collateral = 0;
      for (let p = 0; p < P; p++) {
        if (before[p] === after[p]) continue;
        moved++;
        if (after[p] !== joiner) collateral++;
      }
      // The joiner ends with its full share, all of it taken from others.
      const joinerLoad = loads(after).get(joiner) ?? 0;
      expect(joinerLoad).toBeGreaterThanOrEqual(Math.floor(P / 6) - 2);
      expect(moved).toBe(joinerLoad + collateral);
      expect(moved / P).toBeLessThanOrEqual(1 / 6 + 0.05);
      // Documented bound for moves between old members (cascades of the load cap): ≤ 5% of P.
      expect(collateral).toBeLessThanOrEqual(0.05 * P);
      worstFraction = Math.max(worstFraction, moved / P);
      worstCollateral = Math.max(worstCollateral, collateral);
    }
    // Figures quoted in docs/hashing.md: worst 194 moved (18.9%), 23 of them between old members.
    expect(worstFraction).toBeLessThanOrEqual(194 / P);
    expect(worstCollateral).toBeLessThanOrEqual(23);
  });

  it('moves at most 1/N + 5% on a leave (6 → 5), nearly all from the leaver', () => {
    let worstFraction = 0;
    let worstCollateral = 0;
    for (const [k, six] of memberSets().entries()) {
      const leaver = six[k % 6] ?? '';
      const before = owners(six);
      const after = owners(six.filter(member => member !== leaver));
      let moved = 0;
      let collateral = 0;
      expect(after).not.toContain(leaver);
      for (let p = 0; p < P; p++) {
        if (before[p] === after[p]) continue;
        moved++;
        if (before[p] !== leaver) collateral++;
      }
      expect(moved - collateral).toBe(loads(before).get(leaver));
      expect(moved / P).toBeLessThanOrEqual(1 / 6 + 0.05);
      expect(collateral).toBeLessThanOrEqual(0.05 * P);
      worstFraction = Math.max(worstFraction, moved / P);
      worstCollateral = Math.max(worstCollateral, collateral);
    }
    // Figures quoted in docs/hashing.md: worst 195 moved (19.0%), 24 of them between stayers.
    expect(worstFraction).toBeLessThanOrEqual(195 / P);
    expect(worstCollateral).toBeLessThanOrEqual(24);
  });

  it('rejects an empty member list, empty names and bad partition counts', () => {
    expect(() => assignPartitions([], P)).toThrow(/empty member list/);
    expect(() => assignPartitions(['a', ''], P)).toThrow(/non-empty/);
    expect(() => assignPartitions(['a'], 0)).toThrow(RangeError);
    expect(() => assignPartitions(['a'], 65537)).toThrow(RangeError);
    expect(() => new PartitionAssignment([], P)).toThrow(/empty member list/);
  });
});

describe('PartitionAssignment', () => {
  const members = ['aggregator-2', 'aggregator-0', 'aggregator-1', 'aggregator-0'];
  const assignment = new PartitionAssignment(members, P);

  it('exposes the sorted, de-duplicated members and owner lookups', () => {
    expect(assignment.members).toEqual(['aggregator-0', 'aggregator-1', 'aggregator-2']);
    expect(assignment.partitionCount).toBe(P);
    const array = assignment.toArray();
    expect(array).toEqual(assignPartitions(members, P));
    expect(assignment.ownerOf(0)).toBe('aggregator-2');
    expect(assignment.ownerOf(4)).toBe('aggregator-0');
    expect(assignment.ownerIndexOf(3)).toBe(1);
    const byLookup = Array.from({ length: P }, (_, p) => assignment.ownerOf(p));
    expect(byLookup).toEqual(Array.from(array, index => assignment.members[index]));
  });

  it('lists each member partitions, partitioning 0..P-1 exactly', () => {
    const all = assignment.members.flatMap(member => assignment.partitionsOf(member));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: P }, (_, p) => p));
    expect(assignment.partitionsOf('aggregator-1').length).toBe(342);
    expect(assignment.partitionsOf('not-a-member')).toEqual([]);
  });

  it('returns a copy from toArray and rejects out-of-range partitions', () => {
    const copy = assignment.toArray();
    copy[0] = 0;
    expect(assignment.ownerOf(0)).toBe('aggregator-2');
    expect(() => assignment.ownerOf(P)).toThrow(RangeError);
    expect(() => assignment.ownerOf(-1)).toThrow(RangeError);
    expect(() => assignment.ownerOf(0.5)).toThrow(RangeError);
  });
});
