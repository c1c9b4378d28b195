import { murmur3_32String } from '../hash/murmur3.js';

/** 2^14 registers: 0.81% standard error. */
export const HLL_PRECISION = 14;
const REGISTER_COUNT = 1 << HLL_PRECISION;
const INDEX_MASK = REGISTER_COUNT - 1;
/** Bits that feed the rank: the second 32-bit hash. Registers hold 0..RANK_BITS+1. */
const RANK_BITS = 32;
/** Past this many set registers the sparse map costs more than 16 KiB of bytes. */
const SPARSE_LIMIT = 1024;
const SECOND_SEED = 0x9747b28c;

/**
 * A HyperLogLog distinct counter. Register index = low 14 bits of murmur3(x, 0);
 * rank = leading zeros of murmur3(x, 0x9747b28c) + 1. Registers merge by max, so
 * merging is exact, associative and commutative. Sparse (a Map) while few registers
 * are set, dense (16 KiB) after; which one depends only on the set registers.
 * The estimate is Ertl's improved raw estimator (the one Redis uses), which needs no
 * bias tables and is accurate from 0 to billions.
 */
export class HyperLogLog {
  private sparse: Map<number, number> | undefined = new Map();
  private dense: Uint8Array | undefined;

  /**
   * The register a value sets, packed as index · 64 + rank: hash a value once and
   * `addHashed` it to every sketch it belongs to.
   */
  static hash(text: string): number {
    const index = murmur3_32String(text, 0) & INDEX_MASK;
    const rank = Math.clz32(murmur3_32String(text, SECOND_SEED)) + 1;
    return index * 64 + rank;
  }

  add(text: string): void {
    this.addHashed(HyperLogLog.hash(text));
  }

  addHashed(hashed: number): void {
    this.raise(Math.floor(hashed / 64), hashed % 64);
  }

  merge(other: HyperLogLog): void {
    other.forEachRegister((index, rank) => this.raise(index, rank));
  }

  clone(): HyperLogLog {
    const copy = new HyperLogLog();
    copy.merge(this);
    return copy;
  }

  /** Calls `visit` for every non-zero register, in index order for dense, insertion order for sparse. */
  forEachRegister(visit: (index: number, rank: number) => void): void {
    if (this.dense) {
      for (let index = 0; index < REGISTER_COUNT; index += 1) {
        const rank = this.dense[index] ?? 0;
        if (rank > 0) visit(index, rank);
      }
    } else if (this.sparse) {
      for (const [index, rank] of this.sparse) visit(index, rank);
    }
  }

  /** The non-zero registers as index → rank, sorted: a canonical form for comparisons. */
  registers(): [number, number][] {
    const out: [number, number][] = [];
    this.forEachRegister((index, rank) => out.push([index, rank]));
    return out.sort((a, b) => a[0] - b[0]);
  }

  isEmpty(): boolean {
    return this.sparse ? this.sparse.size === 0 : false;
  }

  /** The estimated number of distinct values added. */
  estimate(): number {
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    let set = 0;
    this.forEachRegister((_, rank) => {
      histogram[rank] = (histogram[rank] ?? 0) + 1;
      set += 1;
    });
    histogram[0] = REGISTER_COUNT - set;
    const m = REGISTER_COUNT;
    let z = m * tau((m - (histogram[RANK_BITS + 1] ?? 0)) / m);
    for (let k = RANK_BITS; k >= 1; k -= 1) {
      z += histogram[k] ?? 0;
      z *= 0.5;
    }
    z += m * sigma((histogram[0] ?? 0) / m);
    return ((0.5 / Math.LN2) * m * m) / z;
  }

  /** Sets a register to at least `rank` (restoring a stored sketch, or merging one register). */
  raise(index: number, rank: number): void {
    if (this.dense) {
      if ((this.dense[index] ?? 0) < rank) this.dense[index] = rank;
      return;
    }
    const sparse = this.sparse ?? new Map<number, number>();
    if ((sparse.get(index) ?? 0) < rank) sparse.set(index, rank);
    if (sparse.size > SPARSE_LIMIT) {
      const dense = new Uint8Array(REGISTER_COUNT);
      for (const [i, r] of sparse) dense[i] = r;
      this.dense = dense;
      this.sparse = undefined;
    }
  }
}

// Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017), as in Redis.
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (previous !== z);
  return z / 3;
}
