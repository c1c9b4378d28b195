import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every percentile Taba reports. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** The percentiles rendered, with their JSON keys. */
export const PERCENTILES: readonly (readonly [key: string, quantile: number])[] = [
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p99.9', 0.999],
];

// The logarithmic value → bin mapping of DDSketch (@datadog/sketches-js). The bins
// themselves are kept sparse here: a Map per sign merges by adding counts, whatever
// the order, and maps one to one onto Redis hash fields.
const MAPPING = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;

// MAPPING.key(v) is ceil(log2(v) · multiplier) + 0, reached through two virtual calls; the
// same arithmetic inline (same operations, so the same doubles: a test checks it) is what
// every folded value pays.
const GAMMA_MANTISSA = (2 * SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const KEY_MULTIPLIER = (1 / Math.log1p(GAMMA_MANTISSA)) * Math.log(2);
const MIN_POSITIVE = MAPPING.minPossible;

const CACHE_BITS = 12;
const CACHE_SHIFT = 32 - CACHE_BITS;
const CACHE_VALUES = new Float64Array(1 << CACHE_BITS).fill(Number.NaN);
const CACHE_BINS = new Int32Array(1 << CACHE_BITS);
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
const NO_BINS: ReadonlyMap<number, number> = new Map();

/**
 * A DDSketch with sparse bins: quantiles within 1% relative error, mergeable exactly
 * (bin counts add), bounded by the value range: about 2·ln(max/min)/0.02 bins.
 */
export class SparseSketch {
  readonly positive = new Map<number, number>();
  // Made at the first negative value: most series (latencies, sizes) never have one.
  private negativeBins: Map<number, number> | undefined;
  zeroCount = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** Negative values' bins: key → count. */
  get negative(): ReadonlyMap<number, number> {
    return this.negativeBins ?? NO_BINS;
  }

  private binsOf(side: number): Map<number, number> {
    if (side === 1) return this.positive;
    this.negativeBins ??= new Map();
    return this.negativeBins;
  }

  /**
   * The bin of a value: key · 4 + side (0 zero, 1 positive, 2 negative). Computing it
   * costs a logarithm: do it once per value and `addBinned` it to every sketch.
   */
  static bin(value: number): number {
    // Values repeat (integers, rounded latencies): a direct-mapped cache on the value's bits
    // skips the logarithm; a miss costs a few nanoseconds.
    BITS_F64[0] = value;
    const slot = Math.imul((BITS_U32[0] ?? 0) ^ (BITS_U32[1] ?? 0), 0x9e3779b1) >>> CACHE_SHIFT;
    if (CACHE_VALUES[slot] === value) return CACHE_BINS[slot] ?? 0;
    const bin = SparseSketch.computeBin(value);
    CACHE_VALUES[slot] = value;
    CACHE_BINS[slot] = bin;
    return bin;
  }

  private static computeBin(value: number): number {
    if (value > MIN_POSITIVE) return Math.ceil(Math.log2(value) * KEY_MULTIPLIER) * 4 + 1;
    if (value < -MIN_POSITIVE) return Math.ceil(Math.log2(-value) * KEY_MULTIPLIER) * 4 + 2;
    return 0;
  }

  /** The library's own mapping, for tests that pin `bin` to it. */
  static libraryKey(value: number): number {
    return MAPPING.key(value);
  }

  add(value: number, weight = 1): void {
    this.addBinned(SparseSketch.bin(value), value, weight);
  }

  /** Adds `value`, whose bin is `bin` (from SparseSketch.bin). */
  addBinned(bin: number, value: number, weight = 1): void {
    const side = bin & 3;
    if (side === 0) {
      this.zeroCount += weight;
    } else {
      const key = (bin - side) / 4;
      const bins = this.binsOf(side);
      bins.set(key, (bins.get(key) ?? 0) + weight);
    }
    this.count += weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Restores a stored bin's count; min and max are restored separately. */
  restoreBin(bin: number, count: number): void {
    const side = bin & 3;
    if (side === 0) {
      this.zeroCount += count;
    } else {
      const key = (bin - side) / 4;
      const bins = this.binsOf(side);
      bins.set(key, (bins.get(key) ?? 0) + count);
    }
    this.count += count;
  }

  /** Every bin with its count, as SparseSketch.bin numbers them. */
  forEachBin(visit: (bin: number, count: number) => void): void {
    if (this.zeroCount > 0) visit(0, this.zeroCount);
    for (const [key, count] of this.positive) visit(key * 4 + 1, count);
    for (const [key, count] of this.negative) visit(key * 4 + 2, count);
  }

  merge(other: SparseSketch): void {
    for (const [key, weight] of other.positive)
      this.positive.set(key, (this.positive.get(key) ?? 0) + weight);
    if (other.negative.size > 0) {
      const negative = this.binsOf(2);
      for (const [key, weight] of other.negative)
        negative.set(key, (negative.get(key) ?? 0) + weight);
    }
    this.zeroCount += other.zeroCount;
    this.count += other.count;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  clone(): SparseSketch {
    const copy = new SparseSketch();
    copy.merge(this);
    return copy;
  }

  /**
   * The value at quantile q in [0, 1]: the bin holding the element of rank
   * floor(q·(count−1)) in sorted order, clamped to [min, max]; 0 when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.floor(q * (this.count - 1));
    let value: number;
    if (rank < this.negativeCount()) {
      // Most negative first: the largest keys of the negative side.
      value = -MAPPING.value(keyAtRank(this.negative, rank, 'descending'));
    } else if (rank < this.negativeCount() + this.zeroCount) {
      value = 0;
    } else {
      value = MAPPING.value(
        keyAtRank(this.positive, rank - this.negativeCount() - this.zeroCount, 'ascending'),
      );
    }
    return Math.min(this.max, Math.max(this.min, value));
  }

  /** All rendered percentiles, keyed as in PERCENTILES. */
  percentiles(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, q] of PERCENTILES) out[key] = this.quantile(q);
    return out;
  }

  private negativeCount(): number {
    let total = 0;
    for (const weight of this.negative.values()) total += weight;
    return total;
  }
}

function keyAtRank(
  bins: ReadonlyMap<number, number>,
  rank: number,
  order: 'ascending' | 'descending',
): number {
  const keys = [...bins.keys()].sort((a, b) => (order === 'ascending' ? a - b : b - a));
  let seen = 0;
  for (const key of keys) {
    seen += bins.get(key) ?? 0;
    if (seen > rank) return key;
  }
  const last = keys[keys.length - 1];
  if (last === undefined) throw new Error('keyAtRank on an empty side');
  return last;
}
