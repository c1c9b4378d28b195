import { FailedPreconditionError, InvalidArgumentError } from '../errors/taba-error.js';
import type { Buckets } from './buckets.js';
import { emptyWindows, liveBuckets, pruneBuckets } from './buckets.js';
import type { EventColumns } from './columns.js';
import type { HandlerContext, RenderJson, TabHandler, TabParams } from './handler.js';
import { bucketIndex, FINE_WINDOWS } from './windows.js';

export interface HistogramState {
  /** Strictly increasing upper bounds. */
  readonly bounds: readonly number[];
  /**
   * Per FINE_WINDOWS entry: time bucket → slots (see {@link histogramSlots}): the count of each
   * value bucket (one per bound, then +Inf), then the sum of the values.
   */
  readonly windows: Buckets<Float64Array>[];
  /** The same slots over every event. */
  readonly lifetime: Float64Array;
}

/** Slots of a Histogram's arrays: a count per bound, the +Inf count, and the sum last. */
export function histogramSlots(bounds: readonly number[]): number {
  return bounds.length + 2;
}

/** Index of the sum in a Histogram's slots. */
export function sumSlot(bounds: readonly number[]): number {
  return bounds.length + 1;
}

/**
 * One window (or the lifetime) as Prometheus exposes a histogram: `counts` per value bucket
 * (value ≤ bound, then +Inf), `cumulative` the `_bucket{le}` counts (each bucket and every one
 * below it; the last is +Inf), `count` (`_count`) and `sum` (`_sum`).
 */
function renderSlots(slots: Float64Array, bounds: readonly number[]): RenderJson {
  const counts = [...slots.subarray(0, bounds.length + 1)];
  let running = 0;
  const cumulative = counts.map(count => {
    running += count;
    return running;
  });
  return { counts, cumulative, count: running, sum: slots[sumSlot(bounds)] ?? 0 };
}

/** Index of the value bucket: the first bound with value ≤ bound (Prometheus `le`), else +Inf. */
export function valueBucket(bounds: readonly number[], value: number): number {
  let low = 0;
  let high = bounds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value <= (bounds[mid] ?? Number.POSITIVE_INFINITY)) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((bound, i) => bound === b[i]);
}

/**
 * Histogram (new): counts per caller-given bucket and the sum of the values, per window
 * (1m/10m/1h/1d, exact) and lifetime; rendered as Prometheus exposes a histogram (`le` upper
 * bounds with cumulative counts, implied +Inf, `count` and `sum`). The bounds are fixed with
 * the Tab; States with other bounds do not merge.
 */
export class HistogramHandler implements TabHandler<HistogramState> {
  readonly type = 'HISTOGRAM';
  readonly values = 'number';
  readonly needsExpiry = false;

  constructor(private readonly context: HandlerContext) {}

  create(params: TabParams): HistogramState {
    const bounds = params.bounds;
    if (!bounds || bounds.length === 0) {
      throw new InvalidArgumentError(
        'INVALID_BOUNDS',
        'a HISTOGRAM needs at least one bucket bound',
      );
    }
    return {
      bounds: [...bounds],
      windows: emptyWindows(FINE_WINDOWS),
      lifetime: new Float64Array(histogramSlots(bounds)),
    };
  }

  fold(state: HistogramState, columns: EventColumns): HistogramState {
    const slots = histogramSlots(state.bounds);
    const sum = sumSlot(state.bounds);
    for (let s = 0; s < columns.selection.length; s += 1) {
      const i = columns.selection[s] ?? 0;
      const value = columns.values[i] ?? 0;
      const slot = valueBucket(state.bounds, value);
      const timestamp = columns.timestamps[i] ?? 0;
      for (let w = 0; w < FINE_WINDOWS.length; w += 1) {
        const spec = FINE_WINDOWS[w];
        const buckets = state.windows[w];
        if (!spec || !buckets) continue;
        const index = bucketIndex(timestamp, spec);
        let counts = buckets.get(index);
        if (!counts) {
          counts = new Float64Array(slots);
          buckets.set(index, counts);
        }
        counts[slot] = (counts[slot] ?? 0) + 1;
        counts[sum] = (counts[sum] ?? 0) + value;
      }
      state.lifetime[slot] = (state.lifetime[slot] ?? 0) + 1;
      state.lifetime[sum] = (state.lifetime[sum] ?? 0) + value;
    }
    return state;
  }

  merge(into: HistogramState, from: HistogramState): HistogramState {
    if (!sameBounds(into.bounds, from.bounds)) {
      throw new FailedPreconditionError(
        'INVALID_BOUNDS',
        `histogram bounds differ: [${into.bounds.join(',')}] vs [${from.bounds.join(',')}]`,
      );
    }
    into.windows.forEach((buckets, w) => {
      for (const [index, counts] of from.windows[w] ?? []) {
        const mine = buckets.get(index);
        if (mine) addCounts(mine, counts);
        else buckets.set(index, Float64Array.from(counts));
      }
    });
    addCounts(into.lifetime, from.lifetime);
    return into;
  }

  prune(state: HistogramState): boolean {
    const now = this.context.clock.nowSeconds();
    FINE_WINDOWS.forEach((spec, w) => {
      const buckets = state.windows[w];
      if (buckets) pruneBuckets(buckets, spec, now);
    });
    return state.lifetime.subarray(0, state.bounds.length + 1).every(count => count === 0);
  }

  render(state: HistogramState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const out: Record<string, unknown> = { bounds: [...state.bounds] };
    FINE_WINDOWS.forEach((spec, w) => {
      const slots = new Float64Array(histogramSlots(state.bounds));
      for (const [, bucket] of liveBuckets(state.windows[w] ?? new Map(), spec, now))
        addCounts(slots, bucket);
      out[spec.name] = renderSlots(slots, state.bounds);
    });
    out.lifetime = renderSlots(state.lifetime, state.bounds);
    return out;
  }

  renderDetail(state: HistogramState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const series: Record<string, [number, number[], number][]> = {};
    const sum = sumSlot(state.bounds);
    FINE_WINDOWS.forEach((spec, w) => {
      series[spec.name] = liveBuckets(state.windows[w] ?? new Map(), spec, now).map(
        ([index, slots]) => [
          index * spec.bucketSeconds,
          [...slots.subarray(0, sum)],
          slots[sum] ?? 0,
        ],
      );
    });
    return { ...this.render(state), series };
  }
}

function addCounts(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < into.length; i += 1) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
}
