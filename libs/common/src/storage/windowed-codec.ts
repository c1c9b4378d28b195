import type { Buckets, CountTotal } from '../handlers/buckets.js';
import type { CounterGroupState } from '../handlers/counter-group.js';
import type { HistogramState } from '../handlers/histogram.js';
import { histogramSlots, sumSlot } from '../handlers/histogram.js';
import type { PercentileGroupState } from '../handlers/percentile-group.js';
import { SparseSketch } from '../handlers/sparse-sketch.js';
import type { StoredState } from './stored-state.js';
import type { HashOpsSink } from './tab-ops.js';

// Field names: c<w>:<bucket> count, t<w>:<bucket> total (exact windows w = 0..3);
// lc / lt lifetime count and total; k<bin>, kn, kx the lifetime sketch (bins, min, max);
// q<w>:<bucket>:<bin>, qn<w>:<bucket>, qx<w>:<bucket> per-bucket sketches;
// h<w>:<bucket>:<slot> and hl:<slot> histogram slots (counts, then the sum of the values).

/**
 * Field names recur: every Tab of a batch writes the same few buckets and bins. A direct-mapped
 * cache per prefix keeps the strings (flat, once encoded) instead of building them per Tab.
 */
class FieldNames {
  private readonly keys: Float64Array;
  private readonly names: (string | undefined)[];

  constructor(
    private readonly prefix: string,
    private readonly mask = 255,
    private readonly suffix = '',
  ) {
    this.keys = new Float64Array(mask + 1).fill(Number.NaN);
    this.names = new Array(mask + 1);
  }

  /** `${prefix}${key}${suffix}`; keys are integers (bucket indexes, sketch bins). */
  of(key: number): string {
    const slot = key & this.mask;
    const cached = this.names[slot];
    if (cached !== undefined && this.keys[slot] === key) return cached;
    const name = `${this.prefix}${key}${this.suffix}`;
    this.keys[slot] = key;
    this.names[slot] = name;
    return name;
  }
}

const COUNT_FIELDS = [0, 1, 2, 3].map(w => new FieldNames(`c${w}:`));
const TOTAL_FIELDS = [0, 1, 2, 3].map(w => new FieldNames(`t${w}:`));
const LIFETIME_BIN_FIELDS = new FieldNames('k', 1023);

function pushWindow(ops: HashOpsSink, buckets: Buckets<CountTotal>, w: number): void {
  const counts = COUNT_FIELDS[w];
  const totals = TOTAL_FIELDS[w];
  for (const [index, cell] of buckets) {
    ops.number('i', counts ? counts.of(index) : `c${w}:${index}`, cell.count);
    ops.number('f', totals ? totals.of(index) : `t${w}:${index}`, cell.total);
  }
}

/** Pushes the ops of exact-window counts and totals. */
export function pushWindowOps(ops: HashOpsSink, windows: readonly Buckets<CountTotal>[]): void {
  for (let w = 0; w < windows.length; w += 1) {
    const buckets = windows[w];
    if (buckets) pushWindow(ops, buckets, w);
  }
}

/** Pushes one `i` op per bin of `sketch`, in forEachBin's order, fields `${prefix}${bin}`. */
function pushBins(ops: HashOpsSink, sketch: SparseSketch, field: (bin: number) => string): void {
  if (sketch.zeroCount > 0) ops.number('i', field(0), sketch.zeroCount);
  for (const [key, count] of sketch.positive) ops.number('i', field(key * 4 + 1), count);
  for (const [key, count] of sketch.negative) ops.number('i', field(key * 4 + 2), count);
}

export function pushSketchOps(ops: HashOpsSink, sketch: SparseSketch, prefix: string): void {
  if (sketch.count === 0) return;
  pushBins(ops, sketch, bin => `${prefix}${bin}`);
}

const lifetimeBinField = (bin: number): string => LIFETIME_BIN_FIELDS.of(bin);

export function counterGroupOps(state: CounterGroupState, ops: HashOpsSink): void {
  pushWindowOps(ops, state.windows);
  if (state.lifetime.count > 0) {
    ops.number('i', 'lc', state.lifetime.count);
    ops.number('f', 'lt', state.lifetime.total);
  }
  const sketch = state.lifetimeSketch;
  if (sketch.count > 0) {
    pushBins(ops, sketch, lifetimeBinField);
    ops.number('n', 'kn', sketch.min);
    ops.number('x', 'kx', sketch.max);
  }
}

const SKETCH_BIN_PREFIXES = [0, 1, 2, 3].map(w => new FieldNames(`q${w}:`, 255, ':'));
const SKETCH_MIN_FIELDS = [0, 1, 2, 3].map(w => new FieldNames(`qn${w}:`));
const SKETCH_MAX_FIELDS = [0, 1, 2, 3].map(w => new FieldNames(`qx${w}:`));

function pushSketchWindow(ops: HashOpsSink, buckets: Buckets<SparseSketch>, w: number): void {
  for (const [index, sketch] of buckets) {
    pushSketchOps(ops, sketch, SKETCH_BIN_PREFIXES[w]?.of(index) ?? `q${w}:${index}:`);
    ops.number('n', SKETCH_MIN_FIELDS[w]?.of(index) ?? `qn${w}:${index}`, sketch.min);
    ops.number('x', SKETCH_MAX_FIELDS[w]?.of(index) ?? `qx${w}:${index}`, sketch.max);
  }
}

export function percentileGroupOps(state: PercentileGroupState, ops: HashOpsSink): void {
  pushWindowOps(ops, state.windows);
  for (let w = 0; w < state.sketches.length; w += 1) {
    const buckets = state.sketches[w];
    if (buckets) pushSketchWindow(ops, buckets, w);
  }
}

export function histogramOps(state: HistogramState, ops: HashOpsSink): void {
  const sum = sumSlot(state.bounds);
  // Counts add as integers; the sum (last slot) as a float.
  const push = (field: string, value: number, slot: number) => {
    if (slot === sum ? value !== 0 : value > 0) ops.number(slot === sum ? 'f' : 'i', field, value);
  };
  state.windows.forEach((buckets, w) => {
    for (const [index, slots] of buckets) {
      slots.forEach((value, slot) => {
        push(`h${w}:${index}:${slot}`, value, slot);
      });
    }
  });
  state.lifetime.forEach((value, slot) => {
    push(`hl:${slot}`, value, slot);
  });
}

const WINDOW_CELL = /^([ct])(\d):(-?\d+)$/;
const LIFETIME_BIN = /^k(-?\d+)$/;
const BUCKET_BIN = /^q(\d):(-?\d+):(-?\d+)$/;
const BUCKET_EXTREME = /^q([nx])(\d):(-?\d+)$/;
const HISTOGRAM_CELL = /^h(\d):(-?\d+):(\d+)$/;
const HISTOGRAM_LIFETIME = /^hl:(\d+)$/;

/** Reads exact-window cells into `windows`. */
export function restoreWindows(hash: StoredState['hash'], windows: Buckets<CountTotal>[]): void {
  for (const [field, text] of Object.entries(hash)) {
    const match = WINDOW_CELL.exec(field);
    if (!match) continue;
    const buckets = windows[Number(match[2])];
    if (!buckets) continue;
    const index = Number(match[3]);
    const cell = buckets.get(index) ?? { count: 0, total: 0 };
    if (match[1] === 'c') cell.count = Number(text);
    else cell.total = Number(text);
    buckets.set(index, cell);
  }
}

export function restoreCounterGroup(
  hash: StoredState['hash'],
  state: CounterGroupState,
): CounterGroupState {
  restoreWindows(hash, state.windows);
  state.lifetime.count = Number(hash.lc ?? 0);
  state.lifetime.total = Number(hash.lt ?? 0);
  for (const [field, text] of Object.entries(hash)) {
    const match = LIFETIME_BIN.exec(field);
    if (match) state.lifetimeSketch.restoreBin(Number(match[1]), Number(text));
  }
  if (state.lifetimeSketch.count > 0) {
    state.lifetimeSketch.min = Number(hash.kn);
    state.lifetimeSketch.max = Number(hash.kx);
  }
  return state;
}

export function restorePercentileGroup(
  hash: StoredState['hash'],
  state: PercentileGroupState,
): PercentileGroupState {
  restoreWindows(hash, state.windows);
  const sketchAt = (w: number, index: number): SparseSketch | undefined => {
    const buckets = state.sketches[w];
    if (!buckets) return undefined;
    let sketch = buckets.get(index);
    if (!sketch) {
      sketch = new SparseSketch();
      buckets.set(index, sketch);
    }
    return sketch;
  };
  for (const [field, text] of Object.entries(hash)) {
    const bin = BUCKET_BIN.exec(field);
    if (bin) {
      sketchAt(Number(bin[1]), Number(bin[2]))?.restoreBin(Number(bin[3]), Number(text));
      continue;
    }
    const extreme = BUCKET_EXTREME.exec(field);
    if (extreme) {
      const sketch = sketchAt(Number(extreme[2]), Number(extreme[3]));
      if (sketch && extreme[1] === 'n') sketch.min = Number(text);
      else if (sketch) sketch.max = Number(text);
    }
  }
  return state;
}

export function restoreHistogram(hash: StoredState['hash'], state: HistogramState): HistogramState {
  const slots = histogramSlots(state.bounds);
  for (const [field, text] of Object.entries(hash)) {
    const lifetime = HISTOGRAM_LIFETIME.exec(field);
    if (lifetime) {
      const slot = Number(lifetime[1]);
      if (slot < slots) state.lifetime[slot] = Number(text);
      continue;
    }
    const match = HISTOGRAM_CELL.exec(field);
    if (!match) continue;
    const buckets = state.windows[Number(match[1])];
    const slot = Number(match[3]);
    if (!buckets || slot >= slots) continue;
    const index = Number(match[2]);
    let counts = buckets.get(index);
    if (!counts) {
      counts = new Float64Array(slots);
      buckets.set(index, counts);
    }
    counts[slot] = Number(text);
  }
  return state;
}
