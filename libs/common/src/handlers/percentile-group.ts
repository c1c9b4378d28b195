import type { Buckets, CountTotal } from './buckets.js';
import { averageOf, emptyWindows, liveBuckets, pruneBuckets, sumLive } from './buckets.js';
import type { EventColumns } from './columns.js';
import { countTotalSeries, mergeWindows, pruneWindows, WindowCursor } from './counter-group.js';
import type { HandlerContext, RenderJson, TabHandler } from './handler.js';
import { SparseSketch } from './sparse-sketch.js';
import { bucketIndex, FINE_WINDOWS, SKETCH_WINDOWS } from './windows.js';

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
    const cursor = new WindowCursor(state.windows);
    for (let s = 0; s < selection.length; s += 1) {
      const i = selection[s] ?? 0;
      const value = values[i] ?? 0;
      const timestamp = timestamps[i] ?? 0;
      cursor.add(timestamp, value);
      const bin = SparseSketch.bin(value);
      for (let w = 0; w < SKETCH_WINDOWS.length; w += 1) {
        const spec = SKETCH_WINDOWS[w];
        const buckets = state.sketches[w];
        if (!spec || !buckets) continue;
        const index = bucketIndex(timestamp, spec);
        let sketch = buckets.get(index);
        if (!sketch) {
          sketch = new SparseSketch();
          buckets.set(index, sketch);
        }
        sketch.addBinned(bin, value);
      }
    }
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
