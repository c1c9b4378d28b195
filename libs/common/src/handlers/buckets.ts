import type { WindowSpec } from './windows.js';
import { bucketIndex, firstLiveBucket, SKETCH_WINDOWS } from './windows.js';

/** One window's buckets: bucket index → what the bucket holds. */
export type Buckets<T> = Map<number, T>;

/** The live buckets of a window at `now`, oldest first. */
export function liveBuckets<T>(buckets: Buckets<T>, spec: WindowSpec, now: number): [number, T][] {
  const first = firstLiveBucket(now, spec);
  return [...buckets.entries()].filter(([index]) => index >= first).sort((a, b) => a[0] - b[0]);
}

/** Drops the buckets that have left the window; true when none is left. */
export function pruneBuckets<T>(buckets: Buckets<T>, spec: WindowSpec, now: number): boolean {
  const first = firstLiveBucket(now, spec);
  for (const index of buckets.keys()) {
    if (index < first) buckets.delete(index);
  }
  return buckets.size === 0;
}

/** Count and total of numeric events: the cell of every exact window and of lifetimes. */
export interface CountTotal {
  count: number;
  total: number;
}

export function addCountTotal(
  buckets: Buckets<CountTotal>,
  index: number,
  count: number,
  total: number,
): void {
  const cell = buckets.get(index);
  if (cell) {
    cell.count += count;
    cell.total += total;
  } else {
    buckets.set(index, { count, total });
  }
}

export function mergeCountTotals(into: Buckets<CountTotal>, from: Buckets<CountTotal>): void {
  for (const [index, cell] of from) addCountTotal(into, index, cell.count, cell.total);
}

/** Sums the live buckets of a window. */
export function sumLive(buckets: Buckets<CountTotal>, spec: WindowSpec, now: number): CountTotal {
  const first = firstLiveBucket(now, spec);
  let count = 0;
  let total = 0;
  for (const [index, cell] of buckets) {
    if (index >= first) {
      count += cell.count;
      total += cell.total;
    }
  }
  return { count, total };
}

/** Average of a count/total: 0 for an empty window, never NaN. */
export function averageOf(cell: CountTotal): number {
  return cell.count === 0 ? 0 : cell.total / cell.count;
}

/** One exact-window series for each of the given specs. */
export function emptyWindows<T>(specs: readonly WindowSpec[]): Buckets<T>[] {
  const windows: Buckets<T>[] = [];
  for (let w = 0; w < specs.length; w += 1) windows.push(new Map<number, T>());
  return windows;
}

/**
 * The sketch of every SKETCH_WINDOWS bucket holding `timestamp`, made with `create` when
 * missing, in window order. Sketch buckets nest (10 s | 60 s | 5 min | 1 h), so events in one
 * finest bucket share all of these: folds look them up once per run of such events.
 */
export function sketchesAt<T>(
  windows: readonly Buckets<T>[],
  timestamp: number,
  create: () => T,
): T[] {
  const sketches: T[] = [];
  for (let w = 0; w < SKETCH_WINDOWS.length; w += 1) {
    const buckets = windows[w];
    const spec = SKETCH_WINDOWS[w];
    if (!buckets || !spec) continue;
    const index = bucketIndex(timestamp, spec);
    let sketch = buckets.get(index);
    if (sketch === undefined) {
      sketch = create();
      buckets.set(index, sketch);
    }
    sketches.push(sketch);
  }
  return sketches;
}

/** The width of the finest sketch bucket, s: a run of events in one shares every sketch bucket. */
export const FINEST_SKETCH_SECONDS = SKETCH_WINDOWS[0]?.bucketSeconds ?? 10;
