import type { Buckets, CountTotal } from '../handlers/buckets.js';
import type { CounterGroupState } from '../handlers/counter-group.js';
import type { HistogramState } from '../handlers/histogram.js';
import type { PercentileGroupState } from '../handlers/percentile-group.js';
import { SparseSketch } from '../handlers/sparse-sketch.js';
import type { StoredState } from './stored-state.js';

// Field names: c<w>:<bucket> count, t<w>:<bucket> total (exact windows w = 0..3);
// lc / lt lifetime count and total; k<bin>, kn, kx the lifetime sketch (bins, min, max);
// q<w>:<bucket>:<bin>, qn<w>:<bucket>, qx<w>:<bucket> per-bucket sketches;
// h<w>:<bucket>:<slot> and hl:<slot> histogram counts.

/** Pushes the ops of exact-window counts and totals. */
export function pushWindowOps(ops: string[], windows: readonly Buckets<CountTotal>[]): void {
  windows.forEach((buckets, w) => {
    for (const [index, cell] of buckets) {
      ops.push(
        'i',
        `c${w}:${index}`,
        String(cell.count),
        'f',
        `t${w}:${index}`,
        String(cell.total),
      );
    }
  });
}

export function pushSketchOps(ops: string[], sketch: SparseSketch, prefix: string): void {
  if (sketch.count === 0) return;
  sketch.forEachBin((bin, count) => ops.push('i', `${prefix}${bin}`, String(count)));
}

export function counterGroupOps(state: CounterGroupState): string[] {
  const ops: string[] = [];
  pushWindowOps(ops, state.windows);
  if (state.lifetime.count > 0) {
    ops.push('i', 'lc', String(state.lifetime.count), 'f', 'lt', String(state.lifetime.total));
  }
  const sketch = state.lifetimeSketch;
  if (sketch.count > 0) {
    pushSketchOps(ops, sketch, 'k');
    ops.push('n', 'kn', String(sketch.min), 'x', 'kx', String(sketch.max));
  }
  return ops;
}

export function percentileGroupOps(state: PercentileGroupState): string[] {
  const ops: string[] = [];
  pushWindowOps(ops, state.windows);
  state.sketches.forEach((buckets, w) => {
    for (const [index, sketch] of buckets) {
      pushSketchOps(ops, sketch, `q${w}:${index}:`);
      ops.push(
        'n',
        `qn${w}:${index}`,
        String(sketch.min),
        'x',
        `qx${w}:${index}`,
        String(sketch.max),
      );
    }
  });
  return ops;
}

export function histogramOps(state: HistogramState): string[] {
  const ops: string[] = [];
  state.windows.forEach((buckets, w) => {
    for (const [index, counts] of buckets) {
      counts.forEach((count, slot) => {
        if (count > 0) ops.push('i', `h${w}:${index}:${slot}`, String(count));
      });
    }
  });
  state.lifetime.forEach((count, slot) => {
    if (count > 0) ops.push('i', `hl:${slot}`, String(count));
  });
  return ops;
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
  const slots = state.bounds.length + 1;
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
