import { FailedPreconditionError, InvalidArgumentError } from '../errors/taba-error.js';
import type { Buckets } from './buckets.js';
import { emptyWindows, liveBuckets, pruneBuckets } from './buckets.js';
import type { EventColumns } from './columns.js';
import type { HandlerContext, RenderJson, TabHandler, TabParams } from './handler.js';
import { bucketIndex, FINE_WINDOWS } from './windows.js';

export interface HistogramState {
  /** Strictly increasing upper bounds; counts have one more slot, for +Inf. */
  readonly bounds: readonly number[];
  /** Per FINE_WINDOWS entry: time bucket → counts per value bucket. */
  readonly windows: Buckets<Float64Array>[];
  readonly lifetime: Float64Array;
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
 * Histogram (new): counts per caller-given bucket per window (1m/10m/1h/1d, exact) and
 * lifetime, Prometheus-compatible (`le` upper bounds, implied +Inf). The bounds are
 * fixed with the Tab; States with other bounds do not merge.
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
      lifetime: new Float64Array(bounds.length + 1),
    };
  }

  fold(state: HistogramState, columns: EventColumns): HistogramState {
    const slots = state.bounds.length + 1;
    for (let s = 0; s < columns.selection.length; s += 1) {
      const i = columns.selection[s] ?? 0;
      const slot = valueBucket(state.bounds, columns.values[i] ?? 0);
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
      }
      state.lifetime[slot] = (state.lifetime[slot] ?? 0) + 1;
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
    return state.lifetime.every(count => count === 0);
  }

  render(state: HistogramState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const out: Record<string, unknown> = { bounds: [...state.bounds] };
    FINE_WINDOWS.forEach((spec, w) => {
      const counts = new Float64Array(state.bounds.length + 1);
      for (const [, bucket] of liveBuckets(state.windows[w] ?? new Map(), spec, now))
        addCounts(counts, bucket);
      out[spec.name] = { counts: [...counts] };
    });
    out.lifetime = { counts: [...state.lifetime] };
    return out;
  }

  renderDetail(state: HistogramState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const series: Record<string, [number, number[]][]> = {};
    FINE_WINDOWS.forEach((spec, w) => {
      series[spec.name] = liveBuckets(state.windows[w] ?? new Map(), spec, now).map(
        ([index, counts]) => [index * spec.bucketSeconds, [...counts]],
      );
    });
    return { ...this.render(state), series };
  }
}

function addCounts(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < into.length; i += 1) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
}
