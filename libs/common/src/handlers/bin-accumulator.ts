import { SparseSketch } from './sparse-sketch.js';

/** Keys of either side kept in the dense arrays: |key| < KEY_SPAN / 2 covers 2^±117. */
const KEY_SPAN = 1 << 13;
const KEY_OFFSET = KEY_SPAN >> 1;

/**
 * Gathers the sketch bins of a run of values in dense arrays, then drains them into
 * SparseSketches: a fold adds each value here (an array increment) instead of a Map
 * lookup per value and per sketch. Keys are SparseSketch's, so draining gives the very
 * bins that adding value by value would. Folds are synchronous and drain before they
 * return, so one shared instance serves every fold.
 */
export class BinAccumulator {
  private readonly positive = new Float64Array(KEY_SPAN);
  private readonly negative = new Float64Array(KEY_SPAN);
  /** Touched slots: index into positive (≥ 0) or ~index into negative (< 0). */
  private readonly touched = new Int32Array(2 * KEY_SPAN);
  private touchedCount = 0;
  /** Values whose key falls outside the dense range (absurdly small or large). */
  private readonly outliers: number[] = [];
  private zeroCount = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    const bin = SparseSketch.bin(value);
    this.count += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    const side = bin & 3;
    if (side === 0) {
      this.zeroCount += 1;
      return;
    }
    const slot = (bin - side) / 4 + KEY_OFFSET;
    if (slot < 0 || slot >= KEY_SPAN) {
      this.outliers.push(value);
      return;
    }
    if (side === 1) {
      if (this.positive[slot] === 0) this.touched[this.touchedCount++] = slot;
      this.positive[slot] = (this.positive[slot] ?? 0) + 1;
    } else {
      if (this.negative[slot] === 0) this.touched[this.touchedCount++] = ~slot;
      this.negative[slot] = (this.negative[slot] ?? 0) + 1;
    }
  }

  /** Adds what was gathered to every sketch given, then starts empty again. */
  drainInto(sketches: readonly SparseSketch[]): void {
    if (this.count === 0) return;
    for (const sketch of sketches) this.addTo(sketch);
    for (let t = 0; t < this.touchedCount; t += 1) {
      const slot = this.touched[t] ?? 0;
      if (slot >= 0) this.positive[slot] = 0;
      else this.negative[~slot] = 0;
    }
    this.touchedCount = 0;
    this.outliers.length = 0;
    this.zeroCount = 0;
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  private addTo(sketch: SparseSketch): void {
    for (let t = 0; t < this.touchedCount; t += 1) {
      const slot = this.touched[t] ?? 0;
      if (slot >= 0) {
        sketch.restoreBin((slot - KEY_OFFSET) * 4 + 1, this.positive[slot] ?? 0);
      } else {
        sketch.restoreBin((~slot - KEY_OFFSET) * 4 + 2, this.negative[~slot] ?? 0);
      }
    }
    if (this.zeroCount > 0) sketch.restoreBin(0, this.zeroCount);
    for (const value of this.outliers) sketch.add(value);
    // restoreBin counts but leaves min and max alone.
    if (this.min < sketch.min) sketch.min = this.min;
    if (this.max > sketch.max) sketch.max = this.max;
  }
}

/** The accumulator every fold shares (folds never interleave: they are synchronous). */
export const sharedBins = new BinAccumulator();
