// Original file: taba/v1/taba.proto

/**
 * The type of a Tab. It is fixed by the first event ever seen for the name; an event
 * of another type for that name is rejected with TYPE_CONFLICT.
 */
export const TabType = {
  /**
   * Posting: means COUNTER_GROUP. Never returned by a read.
   */
  TAB_TYPE_UNSPECIFIED: 'TAB_TYPE_UNSPECIFIED',
  /**
   * Windows 1m/10m/1h/1d of count, total, average; lifetime count, total, percentiles.
   */
  COUNTER_GROUP: 'COUNTER_GROUP',
  /**
   * Windows 1m/10m/1h/1d of count, total and percentiles (DDSketch, 1% relative error).
   */
  PERCENTILE_GROUP: 'PERCENTILE_GROUP',
  /**
   * Lifetime count, total, average.
   */
  TOTALS_COUNTER: 'TOTALS_COUNTER',
  /**
   * Latest value per client; expires 48h after its event.
   */
  GAUGE: 'GAUGE',
  /**
   * Latest value per client with the caller's expiry.
   */
  EXPIRY_GAUGE: 'EXPIRY_GAUGE',
  /**
   * The newest 1000 unexpired values with their timestamps.
   */
  BUFFER: 'BUFFER',
  /**
   * Distinct count per window and lifetime (HyperLogLog).
   */
  UNIQUE: 'UNIQUE',
  /**
   * Counts per caller-given bucket bounds, per window and lifetime.
   */
  HISTOGRAM: 'HISTOGRAM',
} as const;

/**
 * The type of a Tab. It is fixed by the first event ever seen for the name; an event
 * of another type for that name is rejected with TYPE_CONFLICT.
 */
export type TabType =
  /**
   * Posting: means COUNTER_GROUP. Never returned by a read.
   */
  | 'TAB_TYPE_UNSPECIFIED'
  | 0
  /**
   * Windows 1m/10m/1h/1d of count, total, average; lifetime count, total, percentiles.
   */
  | 'COUNTER_GROUP'
  | 1
  /**
   * Windows 1m/10m/1h/1d of count, total and percentiles (DDSketch, 1% relative error).
   */
  | 'PERCENTILE_GROUP'
  | 2
  /**
   * Lifetime count, total, average.
   */
  | 'TOTALS_COUNTER'
  | 3
  /**
   * Latest value per client; expires 48h after its event.
   */
  | 'GAUGE'
  | 4
  /**
   * Latest value per client with the caller's expiry.
   */
  | 'EXPIRY_GAUGE'
  | 5
  /**
   * The newest 1000 unexpired values with their timestamps.
   */
  | 'BUFFER'
  | 6
  /**
   * Distinct count per window and lifetime (HyperLogLog).
   */
  | 'UNIQUE'
  | 7
  /**
   * Counts per caller-given bucket bounds, per window and lifetime.
   */
  | 'HISTOGRAM'
  | 8

/**
 * The type of a Tab. It is fixed by the first event ever seen for the name; an event
 * of another type for that name is rejected with TYPE_CONFLICT.
 */
export type TabType__Output = typeof TabType[keyof typeof TabType]
