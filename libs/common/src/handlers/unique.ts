import type { Buckets } from './buckets.js';
import {
  emptyWindows,
  FINEST_SKETCH_SECONDS,
  liveBuckets,
  pruneBuckets,
  sketchesAt,
} from './buckets.js';
import type { EventColumns } from './columns.js';
import { valueAt } from './columns.js';
import type { HandlerContext, RenderJson, TabHandler } from './handler.js';
import { HyperLogLog } from './hyperloglog.js';
import { SKETCH_WINDOWS } from './windows.js';

export interface UniqueState {
  /** One HyperLogLog per bucket of each SKETCH_WINDOWS entry. */
  readonly windows: Buckets<HyperLogLog>[];
  readonly lifetime: HyperLogLog;
}

const newSketch = (): HyperLogLog => new HyperLogLog();

/** Numbers count as their shortest decimal text, so 1 and 1.0 are the same value. */
function keyOf(value: number | string): string {
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Unique (new): distinct values per window (1m/10m/1h/1d, sketch buckets) and over the
 * lifetime, from HyperLogLog (0.81% standard error). Never pruned while lifetime data exists.
 */
export class UniqueHandler implements TabHandler<UniqueState> {
  readonly type = 'UNIQUE';
  readonly values = 'any';
  readonly needsExpiry = false;

  constructor(private readonly context: HandlerContext) {}

  create(): UniqueState {
    return { windows: emptyWindows(SKETCH_WINDOWS), lifetime: new HyperLogLog() };
  }

  fold(state: UniqueState, columns: EventColumns): UniqueState {
    let runBucket = Number.NaN;
    let sketches: HyperLogLog[] = [];
    for (let s = 0; s < columns.selection.length; s += 1) {
      const i = columns.selection[s] ?? 0;
      const hashed = HyperLogLog.hash(keyOf(valueAt(columns, i)));
      const timestamp = columns.timestamps[i] ?? 0;
      const bucket = Math.floor(timestamp / FINEST_SKETCH_SECONDS);
      if (bucket !== runBucket) {
        runBucket = bucket;
        sketches = sketchesAt(state.windows, timestamp, newSketch);
      }
      for (const sketch of sketches) sketch.addHashed(hashed);
      state.lifetime.addHashed(hashed);
    }
    return state;
  }

  merge(into: UniqueState, from: UniqueState): UniqueState {
    into.windows.forEach((buckets, w) => {
      for (const [index, sketch] of from.windows[w] ?? []) {
        const mine = buckets.get(index);
        if (mine) mine.merge(sketch);
        else buckets.set(index, sketch.clone());
      }
    });
    into.lifetime.merge(from.lifetime);
    return into;
  }

  prune(state: UniqueState): boolean {
    const now = this.context.clock.nowSeconds();
    SKETCH_WINDOWS.forEach((spec, w) => {
      const buckets = state.windows[w];
      if (buckets) pruneBuckets(buckets, spec, now);
    });
    return state.lifetime.isEmpty();
  }

  render(state: UniqueState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const out: Record<string, unknown> = {};
    SKETCH_WINDOWS.forEach((spec, w) => {
      const merged = new HyperLogLog();
      for (const [, sketch] of liveBuckets(state.windows[w] ?? new Map(), spec, now))
        merged.merge(sketch);
      out[spec.name] = { distinct: Math.round(merged.estimate()) };
    });
    out.lifetime = { distinct: Math.round(state.lifetime.estimate()) };
    return out;
  }

  renderDetail(state: UniqueState): RenderJson {
    const now = this.context.clock.nowSeconds();
    const series: Record<string, [number, number][]> = {};
    SKETCH_WINDOWS.forEach((spec, w) => {
      series[spec.name] = liveBuckets(state.windows[w] ?? new Map(), spec, now).map(
        ([index, sketch]) => [index * spec.bucketSeconds, Math.round(sketch.estimate())],
      );
    });
    return { ...this.render(state), series };
  }
}
