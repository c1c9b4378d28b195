/**
 * Sliding windows made of time-aligned buckets. A bucket's index is
 * floor(timestamp / bucketSeconds), the same for every client, so States merge
 * bucket by bucket exactly. A window at time `now` holds the buckets whose index
 * is above floor(now / bucketSeconds) - bucketCount: an event leaves the window
 * exactly bucketCount buckets after the start of its own bucket. Buckets ahead of
 * now (clients a little ahead, within the skew limit) count at once.
 */
export interface WindowSpec {
  readonly name: WindowName;
  readonly bucketSeconds: number;
  readonly bucketCount: number;
}

export type WindowName = '1m' | '10m' | '1h' | '1d';

/** Exact windows (counts, totals, histogram counts): 60×1s, 60×10s, 120×30s, 96×15min. */
export const FINE_WINDOWS: readonly WindowSpec[] = [
  { name: '1m', bucketSeconds: 1, bucketCount: 60 },
  { name: '10m', bucketSeconds: 10, bucketCount: 60 },
  { name: '1h', bucketSeconds: 30, bucketCount: 120 },
  { name: '1d', bucketSeconds: 900, bucketCount: 96 },
];

/**
 * Windows of sketches (percentiles, distinct counts): 6×10s, 10×60s, 12×5min, 24×1h.
 * A sketch per bucket costs far more than a count, so these buckets are coarser: the
 * 1m window covers the last 50 to 60 seconds (Taba's covered 45 to 60).
 */
export const SKETCH_WINDOWS: readonly WindowSpec[] = [
  { name: '1m', bucketSeconds: 10, bucketCount: 6 },
  { name: '10m', bucketSeconds: 60, bucketCount: 10 },
  { name: '1h', bucketSeconds: 300, bucketCount: 12 },
  { name: '1d', bucketSeconds: 3600, bucketCount: 24 },
];

/** The longest window of all: events older than this can no longer change any window. */
export const LONGEST_WINDOW_SECONDS = 86_400;

export function bucketIndex(timestamp: number, spec: WindowSpec): number {
  return Math.floor(timestamp / spec.bucketSeconds);
}

/** The lowest bucket index still inside the window at `now`. */
export function firstLiveBucket(now: number, spec: WindowSpec): number {
  return Math.floor(now / spec.bucketSeconds) - spec.bucketCount + 1;
}
