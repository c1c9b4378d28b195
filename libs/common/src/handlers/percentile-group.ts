import { sharedBins } from './bin-accumulator.js';
import type { Buckets, CountTotal } from './buckets.js';
import {
  averageOf,
  emptyWindows,
  FINEST_SKETCH_SECONDS,
  liveBuckets,
  pruneBuckets,
  sketchesAt,
  sumLive,
} from './buckets.js';
import type { EventColumns } from './columns.js';
import { countTotalSeries, mergeWindows, pruneWindows, sharedCursor } from './counter-group.js';
import type { HandlerContext, RenderJson, TabHandler } from './handler.js';
import { SparseSketch } from './sparse-sketch.js';
import { FINE_WINDOWS, SKETCH_WINDOWS } from './windows.js';

const newSketch = (): SparseSketch => new SparseSketch();

/** The sketch of every window's bucket holding `timestamp`, made when missing. */
function runSketches(state: PercentileGroupState, timestamp: number): SparseSketch[] {
  return sketchesAt(state.sketches, timestamp, newSketch);
}

export interface PercentileGroupState {
  /** Exact count/total per FINE_WINDOWS entry. */
  readonly windows: Buckets<CountTotal>[];
  /** One sketch per bucket of each SKETCH_WINDOWS entry. */
  readonly sketches: Buckets<SparseSketch>[];
}

/**
 * PercentileGroup: per window (1m/10m/1h/1d) the exact count and total, and the
 * percentiles p25…p99.9 from DDSketch buckets (1% relative error) instead of Taba's
 * 64–128-sample reservoirs. Pruned once every window is empty.
 */
export class PercentileGroupHandler implements TabHandler<PercentileGroupState> {
  readonly type = 'PERCENTILE_GROUP';
  readonly values = 'number';
  readonly needsExpiry = false;

  constructor(private readonly context: HandlerContext) {}

  create(): PercentileGroupState {
    return { windows: emptyWindows(FINE_WINDOWS), sketches: emptyWindows(SKETCH_WINDOWS) };
  }

  fold(state: PercentileGroupState, columns: EventColumns): PercentileGroupState {
    const { timestamps, values, selection } = columns;
    const cursor = sharedCursor.start(state.windows);
    const bins = sharedBins;
    // Sketch buckets nest (10 s | 60 s | 5 min | 1 h): while events stay in one finest bucket
    // they stay in one bucket of every window, so their bins gather once and drain per run.
    let runBucket = Number.NaN;
    let runTimestamp = 0;
    for (let s = 0; s < selection.length; s += 1) {
      const i = selection[s] ?? 0;
      const value = values[i] ?? 0;
      const timestamp = timestamps[i] ?? 0;
      cursor.add(timestamp, value);
      const bucket = Math.floor(timestamp / FINEST_SKETCH_SECONDS);
      if (bucket !== runBucket) {
        if (bins.count > 0) bins.drainInto(runSketches(state, runTimestamp));
        runBucket = bucket;
        runTimestamp = timestamp;
      }
      bins.add(value);
    }
    cursor.finish();
    if (bins.count > 0) bins.drainInto(runSketches(state, runTimestamp));
    return state;
  }

  merge(into: PercentileGroupState, from: PercentileGroupState): PercentileGroupState {
    mergeWindows(into.windows, from.windows);
    into.sketches.forEach((buckets, w) => {
      for (const [index, sketch] of from.sketches[w] ?? []) {
        const mine = buckets.get(index);
        if (mine) mine.merge(sketch);
        else buckets.set(index, sketch.clone());
      }
    });
    return into;
  }

  prune(state: PercentileGroupState): boolean {
    const now = this.context.clock.nowSeconds();
    let empty = pruneWindows(state.windows, now);
    SKETCH_WINDOWS.forEach((spec, w) => {
      const buckets = state.sketches[w];
      if (buckets && !pruneBuckets(buckets, spec, now)) empty = false;
    });
    return empty;
  }

  render(state: PercentileGroupState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const out: Record<string, unknown> = {};
    FINE_WINDOWS.forEach((spec, w) => {
      const cell = sumLive(state.windows[w] ?? new Map(), spec, now);
      out[spec.name] = {
        count: cell.count,
        total: cell.total,
        percentiles: this.windowSketch(state, w, now).percentiles(),
      };
    });
    return out;
  }

  renderDetail(state: PercentileGroupState): RenderJson {
    const render = this.render(state);
    const series = countTotalSeries(state.windows, this.context);
    const now = this.context.clock.nowSeconds();
    const sketchSeries: Record<string, unknown[]> = {};
    SKETCH_WINDOWS.forEach((spec, w) => {
      sketchSeries[spec.name] = liveBuckets(state.sketches[w] ?? new Map(), spec, now).map(
        ([index, sketch]) => [index * spec.bucketSeconds, sketch.count, sketch.percentiles()],
      );
    });
    const averages: Record<string, number> = {};
    FINE_WINDOWS.forEach((spec, w) => {
      averages[spec.name] = averageOf(sumLive(state.windows[w] ?? new Map(), spec, now));
    });
    return { ...render, series, percentileSeries: sketchSeries, averages };
  }

  private windowSketch(state: PercentileGroupState, w: number, now: number): SparseSketch {
    const spec = SKETCH_WINDOWS[w];
    const merged = new SparseSketch();
    if (!spec) return merged;
    for (const [, sketch] of liveBuckets(state.sketches[w] ?? new Map(), spec, now))
      merged.merge(sketch);
    return merged;
  }
}
