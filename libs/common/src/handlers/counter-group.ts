import type { Buckets, CountTotal } from './buckets.js';
import {
  addCountTotal,
  averageOf,
  emptyWindows,
  liveBuckets,
  mergeCountTotals,
  pruneBuckets,
  sumLive,
} from './buckets.js';
import type { EventColumns } from './columns.js';
import type { HandlerContext, RenderJson, TabHandler } from './handler.js';
import { SparseSketch } from './sparse-sketch.js';
import { bucketIndex, FINE_WINDOWS } from './windows.js';

export interface CounterGroupState {
  /** One bucket map per FINE_WINDOWS entry. */
  readonly windows: Buckets<CountTotal>[];
  readonly lifetime: CountTotal;
  readonly lifetimeSketch: SparseSketch;
}

/**
 * CounterGroup: count, total and average over 1m/10m/1h/1d, and lifetime count, total,
 * average and percentiles. Never pruned while lifetime data exists (it is lifetime data).
 */
export class CounterGroupHandler implements TabHandler<CounterGroupState> {
  readonly type = 'COUNTER_GROUP';
  readonly values = 'number';
  readonly needsExpiry = false;

  constructor(private readonly context: HandlerContext) {}

  create(): CounterGroupState {
    return {
      windows: emptyWindows(FINE_WINDOWS),
      lifetime: { count: 0, total: 0 },
      lifetimeSketch: new SparseSketch(),
    };
  }

  fold(state: CounterGroupState, columns: EventColumns): CounterGroupState {
    const { timestamps, values, selection } = columns;
    for (let s = 0; s < selection.length; s += 1) {
      const i = selection[s] ?? 0;
      const value = values[i] ?? 0;
      const timestamp = timestamps[i] ?? 0;
      addToWindows(state.windows, timestamp, value);
      state.lifetime.count += 1;
      state.lifetime.total += value;
      state.lifetimeSketch.add(value);
    }
    return state;
  }

  merge(into: CounterGroupState, from: CounterGroupState): CounterGroupState {
    mergeWindows(into.windows, from.windows);
    into.lifetime.count += from.lifetime.count;
    into.lifetime.total += from.lifetime.total;
    into.lifetimeSketch.merge(from.lifetimeSketch);
    return into;
  }

  prune(state: CounterGroupState): boolean {
    pruneWindows(state.windows, this.context.clock.nowSeconds());
    return state.lifetime.count === 0;
  }

  render(state: CounterGroupState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const out: Record<string, unknown> = {};
    FINE_WINDOWS.forEach((spec, w) => {
      const cell = sumLive(state.windows[w] ?? new Map(), spec, now);
      out[spec.name] = { count: cell.count, total: cell.total, average: averageOf(cell) };
    });
    out.lifetime = {
      count: state.lifetime.count,
      total: state.lifetime.total,
      average: averageOf(state.lifetime),
      percentiles: state.lifetimeSketch.percentiles(),
    };
    return out;
  }

  renderDetail(state: CounterGroupState): RenderJson {
    return { ...this.render(state), series: countTotalSeries(state.windows, this.context) };
  }
}

/** Adds one event to every exact window's bucket. */
export function addToWindows(
  windows: Buckets<CountTotal>[],
  timestamp: number,
  value: number,
): void {
  for (let w = 0; w < FINE_WINDOWS.length; w += 1) {
    const spec = FINE_WINDOWS[w];
    const buckets = windows[w];
    if (spec && buckets) addCountTotal(buckets, bucketIndex(timestamp, spec), 1, value);
  }
}

/** Adds `from`'s exact windows into `into`'s. */
export function mergeWindows(
  into: Buckets<CountTotal>[],
  from: readonly Buckets<CountTotal>[],
): void {
  into.forEach((buckets, w) => {
    const other = from[w];
    if (other) mergeCountTotals(buckets, other);
  });
}

/** Drops the buckets that left their exact window; true when every window is empty. */
export function pruneWindows(windows: Buckets<CountTotal>[], now: number): boolean {
  let empty = true;
  FINE_WINDOWS.forEach((spec, w) => {
    const buckets = windows[w];
    if (buckets && !pruneBuckets(buckets, spec, now)) empty = false;
  });
  return empty;
}

/** `{window: [[bucketStartSeconds, count, total], …]}` for the live buckets, oldest first. */
export function countTotalSeries(
  windows: readonly Buckets<CountTotal>[],
  context: HandlerContext,
): Record<string, [number, number, number][]> {
  const now = context.clock.nowSeconds();
  const series: Record<string, [number, number, number][]> = {};
  FINE_WINDOWS.forEach((spec, w) => {
    series[spec.name] = liveBuckets(windows[w] ?? new Map(), spec, now).map(([index, cell]) => [
      index * spec.bucketSeconds,
      cell.count,
      cell.total,
    ]);
  });
  return series;
}
