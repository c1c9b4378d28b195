import { sharedBins } from './bin-accumulator.js';
import type { Buckets, CountTotal } from './buckets.js';
import {
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
import { FINE_WINDOWS } from './windows.js';

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
    const cursor = sharedCursor.start(state.windows);
    const bins = sharedBins;
    let count = 0;
    let total = 0;
    for (let s = 0; s < selection.length; s += 1) {
      const i = selection[s] ?? 0;
      const value = values[i] ?? 0;
      cursor.add(timestamps[i] ?? 0, value);
      count += 1;
      total += value;
      bins.add(value);
    }
    cursor.finish();
    bins.drainInto([state.lifetimeSketch]);
    state.lifetime.count += count;
    state.lifetime.total += total;
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

const WINDOW_COUNT = FINE_WINDOWS.length;
const WIDTHS = FINE_WINDOWS.map(spec => spec.bucketSeconds);
const FINEST_SECONDS = WIDTHS[0] ?? 1;

/**
 * Adds events to the exact windows. The buckets nest (1 s | 10 s | 30 s | 15 min), so events in
 * the finest bucket of the one before (often all of a batch) share every bucket: they only add
 * to a running count and total, written once per run. `finish()` writes the last run.
 * Folds are synchronous and never interleave, so one cursor (`sharedCursor`) serves them all.
 */
export class WindowCursor {
  private windows: Buckets<CountTotal>[] = [];
  private readonly indexes = new Float64Array(WINDOW_COUNT).fill(Number.NaN);
  private readonly cells: (CountTotal | undefined)[] = new Array(WINDOW_COUNT);
  /** The bucket index of every window for `indexesOf`, worked out once per finest bucket. */
  private readonly runIndexes = new Float64Array(WINDOW_COUNT);
  private indexesOf = Number.NaN;
  private runBucket = Number.NaN;
  private runTimestamp = 0;
  private runCount = 0;
  private runTotal = 0;

  /** Starts a fold into `windows`, forgetting the one before. */
  start(windows: Buckets<CountTotal>[]): this {
    this.windows = windows;
    this.indexes.fill(Number.NaN);
    this.cells.fill(undefined);
    this.runBucket = Number.NaN;
    this.runTimestamp = 0;
    this.runCount = 0;
    this.runTotal = 0;
    return this;
  }

  add(timestamp: number, value: number): void {
    if (timestamp !== this.runTimestamp) {
      const bucket = Math.floor(timestamp / FINEST_SECONDS);
      if (bucket !== this.runBucket) {
        this.finish();
        this.runBucket = bucket;
      }
      this.runTimestamp = timestamp;
    }
    this.runCount += 1;
    this.runTotal += value;
  }

  /** Writes the pending run into its buckets. */
  finish(): void {
    if (this.runCount === 0) return;
    const indexes = this.windowIndexes(this.runBucket);
    for (let w = 0; w < WINDOW_COUNT; w += 1) {
      const index = indexes[w] ?? Number.NaN;
      let cell = this.cells[w];
      if (index !== this.indexes[w] || !cell) {
        const buckets = this.windows[w];
        if (!buckets) continue;
        cell = buckets.get(index);
        if (!cell) {
          cell = { count: 0, total: 0 };
          buckets.set(index, cell);
        }
        this.indexes[w] = index;
        this.cells[w] = cell;
      }
      cell.count += this.runCount;
      cell.total += this.runTotal;
    }
    this.runCount = 0;
    this.runTotal = 0;
  }

  /** Every window's bucket index for a finest bucket; runs of a batch mostly share one. */
  private windowIndexes(finestBucket: number): Float64Array {
    if (finestBucket !== this.indexesOf) {
      const timestamp = finestBucket * FINEST_SECONDS;
      for (let w = 0; w < WINDOW_COUNT; w += 1) {
        this.runIndexes[w] = Math.floor(timestamp / (WIDTHS[w] ?? 1));
      }
      this.indexesOf = finestBucket;
    }
    return this.runIndexes;
  }
}

/** The cursor every exact-window fold shares. */
export const sharedCursor = new WindowCursor();

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
