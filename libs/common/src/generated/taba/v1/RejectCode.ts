// Original file: taba/v1/taba.proto

/**
 * Why an event was not applied.
 */
export const RejectCode = {
  REJECT_CODE_UNSPECIFIED: 'REJECT_CODE_UNSPECIFIED',
  INVALID_NAME: 'INVALID_NAME',
  INVALID_VALUE: 'INVALID_VALUE',
  INVALID_TIMESTAMP: 'INVALID_TIMESTAMP',
  /**
   * Older than the longest window (configurable).
   */
  LATE: 'LATE',
  /**
   * Further in the future than the clock-skew limit (configurable).
   */
  FUTURE: 'FUTURE',
  TYPE_CONFLICT: 'TYPE_CONFLICT',
  /**
   * Its expiry has already passed.
   */
  EXPIRED: 'EXPIRED',
  INVALID_EXPIRY: 'INVALID_EXPIRY',
  /**
   * HISTOGRAM bounds differ from the Tab's bounds, or are not strictly increasing.
   */
  INVALID_BOUNDS: 'INVALID_BOUNDS',
  /**
   * The column is inconsistent (e.g. timestamps and values of different lengths).
   */
  MALFORMED: 'MALFORMED',
  /**
   * A new Tab past a cardinality cap (Tabs in all, Tabs per client, clients per Tab).
   */
  TAB_LIMIT: 'TAB_LIMIT',
} as const;

/**
 * Why an event was not applied.
 */
export type RejectCode =
  | 'REJECT_CODE_UNSPECIFIED'
  | 0
  | 'INVALID_NAME'
  | 1
  | 'INVALID_VALUE'
  | 2
  | 'INVALID_TIMESTAMP'
  | 3
  /**
   * Older than the longest window (configurable).
   */
  | 'LATE'
  | 4
  /**
   * Further in the future than the clock-skew limit (configurable).
   */
  | 'FUTURE'
  | 5
  | 'TYPE_CONFLICT'
  | 6
  /**
   * Its expiry has already passed.
   */
  | 'EXPIRED'
  | 7
  | 'INVALID_EXPIRY'
  | 8
  /**
   * HISTOGRAM bounds differ from the Tab's bounds, or are not strictly increasing.
   */
  | 'INVALID_BOUNDS'
  | 9
  /**
   * The column is inconsistent (e.g. timestamps and values of different lengths).
   */
  | 'MALFORMED'
  | 10
  /**
   * A new Tab past a cardinality cap (Tabs in all, Tabs per client, clients per Tab).
   */
  | 'TAB_LIMIT'
  | 11

/**
 * Why an event was not applied.
 */
export type RejectCode__Output = typeof RejectCode[keyof typeof RejectCode]
