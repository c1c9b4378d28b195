import { describe, expect, it } from 'vitest';
import {
  ConsistentRing,
  type ConsistentRingOptions,
  DEFAULT_VIRTUAL_NODES,
  partitionRingPosition,
} from './consistent-ring.js';
import { murmur3_32String } from './murmur3.js';
import { compareCodePoints } from './rendezvous.js';

const P = 1024;
const STRICT: ConsistentRingOptions = { boundedLoads: false };

// Measured over the 24 name sets below; quoted in docs/hashing.md.
/** Bounded ring, 5 → 6: most partitions moved (19.8%) and most moved between old shards. */
const JOIN_WORST = 203;
const JOIN_WORST_COLLATERAL = 32;
/** Bounded ring, 6 → 5: most partitions moved (19.3%) and most moved between stayers. */
const LEAVE_WORST = 198;
const LEAVE_WORST_COLLATERAL = 27;
/** Plain ring: sets (of 24) where the 5- or 6-shard loads leave ±10%, and the worst deviation. */
const STRICT_SETS_OVER = 12;
const STRICT_WORST_DEVIATION = 0.16015625;

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

/** 24 sets of 6 shard names in three styles; the first 5 of each set are the "before" set. */
function shardSets(): string[][] {
  const random = mulberry32(0x4ed15);
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const sets: string[][] = [];
  for (let k = 0; k < 8; k++) sets.push(Array.from({ length: 6 }, (_, i) => `redis-${k}-${i}`));
  for (let k = 0; k < 8; k++) sets.push(Array.from({ length: 6 }, () => hex(16)));
  for (let k = 0; k < 8; k++) {
    sets.push(Array.from({ length: 6 }, (_, i) => `10.${k}.${i * 3}.${20 + i}:${6379 + k}`));
  }
  return sets;
}

function loads(byPartition: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of byPartition) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/** Largest |load / mean - 1| over the shards. */
function maxDeviation(byPartition: readonly string[], shardCount: number): number {
  const mean = byPartition.length / shardCount;
  let worst = 0;
  for (const load of loads(byPartition).values())
    worst = Math.max(worst, Math.abs(load / mean - 1));
  return worst;
}

/**
 * Reference of the documented procedure written differently: objects, string comparisons,
 * position arithmetic in BigInt and a linear scan instead of a binary search.
 */
function referenceRing(
  shards: readonly string[],
  partitionCount: number,
  virtualNodes: number,
  bounded: boolean,
): string[] {
  const names = [...new Set(shards)].sort(compareCodePoints);
  const nodes: { position: number; shard: string; index: number }[] = [];
  for (const shard of names) {
    for (let index = 0; index < virtualNodes; index++) {
      nodes.push({ position: murmur3_32String(`${shard}#${index}`), shard, index });
    }
  }
  nodes.sort(
    (a, b) => a.position - b.position || compareCodePoints(a.shard, b.shard) || a.index - b.index,
  );
  const capacity = bounded ? Math.ceil(partitionCount / names.length) : partitionCount;
  const load = new Map<string, number>();
  const result: string[] = [];
  for (let p = 0; p < partitionCount; p++) {
    const position = Number((BigInt(p) << 32n) / BigInt(partitionCount));
    let k = nodes.findIndex(node => node.position >= position);
    if (k < 0) k = 0;
    while ((load.get(nodes[k]?.shard ?? '') ?? 0) >= capacity) k = (k + 1) % nodes.length;
    const shard = nodes[k]?.shard ?? '?';
    load.set(shard, (load.get(shard) ?? 0) + 1);
    result.push(shard);
  }
  return result;
}

describe('partitionRingPosition', () => {
  it('spaces partitions evenly: floor(p * 2^32 / P)', () => {
    expect(partitionRingPosition(0, 1024)).toBe(0);
    expect(partitionRingPosition(1, 1024)).toBe(4194304);
    expect(partitionRingPosition(1023, 1024)).toBe(4290772992);
    expect(partitionRingPosition(1, 3)).toBe(1431655765);
    expect(partitionRingPosition(2, 3)).toBe(2863311530);
    expect(partitionRingPosition(65535, 65536)).toBe(4294901760);
    for (const count of [3, 7, 1000, 1023, 65521]) {
      for (const p of [1, Math.floor(count / 2), count - 1]) {
        const exact = Number((BigInt(p) << 32n) / BigInt(count));
        expect(partitionRingPosition(p, count)).toBe(exact);
      }
    }
  });
});

describe('ConsistentRing', () => {
  const golden = ['redis-c:6379', 'redis-a:6379', 'redis-b:6379'];

  it('matches the golden vectors (also in docs/hashing.md)', () => {
    const bounded = new ConsistentRing(golden);
    expect(bounded.shards).toEqual(['redis-a:6379', 'redis-b:6379', 'redis-c:6379']);
    expect(bounded.virtualNodes).toBe(DEFAULT_VIRTUAL_NODES);
    expect(DEFAULT_VIRTUAL_NODES).toBe(1024);
    expect(Array.from(bounded.assignment().subarray(0, 16))).toEqual([
      0, 2, 2, 1, 2, 2, 2, 1, 2, 0, 0, 2, 1, 2, 1, 0,
    ]);
    expect([...loads(bounded.shardNames()).values()].sort()).toEqual([340, 342, 342]);
    const strict = new ConsistentRing(golden, STRICT);
    expect(Array.from(strict.assignment().subarray(0, 16))).toEqual([
      0, 2, 2, 1, 2, 2, 2, 1, 2, 0, 0, 2, 1, 2, 1, 0,
    ]);
    expect(strict.partitionsOf('redis-a:6379').length).toBe(372);
    const small = new ConsistentRing(golden, { partitionCount: 16, virtualNodes: 4 });
    expect(Array.from(small.assignment())).toEqual([
      2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1, 1, 2,
    ]);
  });

  it('follows the documented procedure exactly, in both modes', () => {
    for (const shards of shardSets().slice(0, 3)) {
      for (const bounded of [true, false]) {
        const ring = new ConsistentRing(shards, { boundedLoads: bounded });
        expect(ring.shardNames()).toEqual(referenceRing(shards, P, DEFAULT_VIRTUAL_NODES, bounded));
      }
    }
    const odd = ['x', 'y\u00e9', '\u{1f30d}', '\uff5e'];
    const ring = new ConsistentRing(odd, { partitionCount: 1000, virtualNodes: 37 });
    expect(ring.shardNames()).toEqual(referenceRing(odd, 1000, 37, true));
  });

  it('orders virtual nodes at equal positions by shard name', () => {
    // A real 32-bit collision: both virtual nodes sit at 3806552780.
    expect(murmur3_32String('shard-85012#0')).toBe(murmur3_32String('shard-115887#0'));
    const shards = ['shard-85012', 'shard-115887'];
    const one = { virtualNodes: 1 };
    // 'shard-115887' sorts first, so its node comes first clockwise; with bounded loads (capacity
    // 1) the second partition walks on to the other node at the same position.
    expect(new ConsistentRing(shards, { ...one, partitionCount: 1 }).shardOf(0)).toBe(
      'shard-115887',
    );
    expect(
      Array.from(new ConsistentRing(shards, { ...one, partitionCount: 2 }).assignment()),
    ).toEqual([0, 1]);
    const strict = new ConsistentRing(shards, { ...one, partitionCount: 2, boundedLoads: false });
    expect(strict.shardNames()).toEqual(['shard-115887', 'shard-115887']);
  });

  it('maps a partition sitting exactly on a virtual node to that node (at or after)', () => {
    // murmur3('a#23919') = 2515599360 = 38385 * 65536: partition 38385 of 65536 is on that node.
    expect(murmur3_32String('a#23919')).toBe(2515599360);
    expect(partitionRingPosition(38385, 65536)).toBe(2515599360);
    const options = { partitionCount: 65536, virtualNodes: 23920, boundedLoads: false };
    const ring = new ConsistentRing(['a', 'd'], options);
    expect(ring.shardOf(38385)).toBe('a');
    // The next node clockwise is murmur3('d#6393') = 2515606411: "strictly after" would give 'd'.
    expect(murmur3_32String('d#6393')).toBe(2515606411);
  });

  it('is deterministic and independent of input order and duplicates', () => {
    for (const shards of shardSets()) {
      const expected = new ConsistentRing(shards).shardNames();
      const reordered = [...shards].reverse().concat(shards[2] ?? '');
      expect(new ConsistentRing(reordered).shardNames()).toEqual(expected);
    }
  });

  it('maps every partition, with shardOf agreeing with the whole assignment', () => {
    const ring = new ConsistentRing(shardSets()[0] ?? []);
    const names = ring.shardNames();
    expect(names.length).toBe(P);
    expect(Array.from({ length: P }, (_, p) => ring.shardOf(p))).toEqual(names);
    expect(Array.from({ length: P }, (_, p) => ring.shardIndexOf(p))).toEqual(
      Array.from(ring.assignment()),
    );
    const all = ring.shards.flatMap(shard => ring.partitionsOf(shard)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: P }, (_, p) => p));
    expect(ring.partitionsOf('nope')).toEqual([]);
  });

  it('keeps 5 and 6 shards within ceil(P/N) and 10% of the mean over 24 name sets', () => {
    let worst = 0;
    for (const six of shardSets()) {
      for (const shards of [six.slice(0, 5), six]) {
        const byPartition = new ConsistentRing(shards).shardNames();
        const capacity = Math.ceil(P / shards.length);
        for (const count of loads(byPartition).values()) {
          expect(count).toBeLessThanOrEqual(capacity);
          expect(count).toBeGreaterThanOrEqual(P - (shards.length - 1) * capacity);
        }
        const deviation = maxDeviation(byPartition, shards.length);
        expect(deviation).toBeLessThanOrEqual(0.1);
        worst = Math.max(worst, deviation);
      }
    }
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  it('moves at most 1/6 + 5% on a join (5 → 6), nearly all to the new shard', () => {
    let worstFraction = 0;
    let worstCollateral = 0;
    for (const six of shardSets()) {
      const joiner = six[5] ?? '';
      const before = new ConsistentRing(six.slice(0, 5)).shardNames();
      const after = new ConsistentRing(six).shardNames();
      let moved = 0;
      let collateral = 0;
      for (let p = 0; p < P; p++) {
        if (before[p] === after[p]) continue;
        moved++;
        if (after[p] !== joiner) collateral++;
      }
      expect(moved).toBe((loads(after).get(joiner) ?? 0) + collateral);
      expect(moved / P).toBeLessThanOrEqual(1 / 6 + 0.05);
      // Documented bound for moves between old shards (cascades of the load cap): ≤ 5% of P.
      expect(collateral).toBeLessThanOrEqual(0.05 * P);
      worstFraction = Math.max(worstFraction, moved / P);
      worstCollateral = Math.max(worstCollateral, collateral);
    }
    // Figures quoted in docs/hashing.md.
    expect(worstFraction).toBeLessThanOrEqual(JOIN_WORST / P);
    expect(worstCollateral).toBeLessThanOrEqual(JOIN_WORST_COLLATERAL);
  });

  it('moves at most 1/6 + 5% on a leave (6 → 5), nearly all from the leaver', () => {
    let worstFraction = 0;
    let worstCollateral = 0;
    for (const [k, six] of shardSets().entries()) {
      const leaver = six[k % 6] ?? '';
      const before = new ConsistentRing(six).shardNames();
      const after = new ConsistentRing(six.filter(shard => shard !== leaver)).shardNames();
      expect(after).not.toContain(leaver);
      let moved = 0;
      let collateral = 0;
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
    expect(worstFraction).toBeLessThanOrEqual(LEAVE_WORST / P);
    expect(worstCollateral).toBeLessThanOrEqual(LEAVE_WORST_COLLATERAL);
  });

  it('rejects empty shard lists, empty names and bad options', () => {
    expect(() => new ConsistentRing([])).toThrow(/at least one shard/);
    expect(() => new ConsistentRing(['a', ''])).toThrow(/non-empty/);
    expect(() => new ConsistentRing(['a'], { partitionCount: 0 })).toThrow(RangeError);
    expect(() => new ConsistentRing(['a'], { partitionCount: 65537 })).toThrow(RangeError);
    expect(() => new ConsistentRing(['a'], { virtualNodes: 0 })).toThrow(RangeError);
    expect(() => new ConsistentRing(['a'], { virtualNodes: 1.5 })).toThrow(RangeError);
    expect(() => new ConsistentRing(['a'], { virtualNodes: 65537 })).toThrow(RangeError);
    const ring = new ConsistentRing(['a']);
    expect(ring.shardOf(0)).toBe('a');
    expect(ring.shardOf(P - 1)).toBe('a');
    expect(() => ring.shardOf(P)).toThrow(RangeError);
    expect(() => ring.shardOf(-1)).toThrow(RangeError);
  });
});

describe('ConsistentRing without bounded loads (plain ring)', () => {
  it('moves partitions only to the joining shard (5 → 6), at most 1/6 + 5%', () => {
    for (const six of shardSets()) {
      const joiner = six[5] ?? '';
      const before = new ConsistentRing(six.slice(0, 5), STRICT).shardNames();
      const after = new ConsistentRing(six, STRICT).shardNames();
      const movedTo = after.filter((owner, p) => owner !== before[p]);
      expect(new Set(movedTo)).toEqual(new Set([joiner]));
      expect(movedTo.length / P).toBeLessThanOrEqual(1 / 6 + 0.05);
    }
  });

  it('moves only the leaving shard partitions (6 → 5)', () => {
    for (const [k, six] of shardSets().entries()) {
      const leaver = six[k % 6] ?? '';
      const before = new ConsistentRing(six, STRICT).shardNames();
      const after = new ConsistentRing(
        six.filter(shard => shard !== leaver),
        STRICT,
      ).shardNames();
      const changedStayers = before.filter((owner, p) => owner !== leaver && after[p] !== owner);
      expect(changedStayers).toEqual([]);
      expect(after.filter((_, p) => before[p] === leaver).length).toBe(loads(before).get(leaver));
    }
  });

  it('has binomial loads that break ±10% on some name sets (why bounds are the default)', () => {
    let worst = 0;
    let setsOver = 0;
    for (const six of shardSets()) {
      let over = false;
      for (const shards of [six.slice(0, 5), six]) {
        const deviation = maxDeviation(
          new ConsistentRing(shards, STRICT).shardNames(),
          shards.length,
        );
        worst = Math.max(worst, deviation);
        if (deviation > 0.1) over = true;
      }
      if (over) setsOver++;
    }
    expect(setsOver).toBe(STRICT_SETS_OVER);
    expect(worst).toBeCloseTo(STRICT_WORST_DEVIATION, 6);
  });
});
