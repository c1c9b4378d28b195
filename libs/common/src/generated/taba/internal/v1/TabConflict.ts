// Original file: taba/internal/v1/aggregator.proto


/**
 * A Tab of a part that was not applied because the Tab already has another type.
 */
export interface TabConflict {
  'name'?: (string);
  /**
   * The stored type spec, e.g. GAUGE or HISTOGRAM:1,5,10.
   */
  'storedType'?: (string);
}

/**
 * A Tab of a part that was not applied because the Tab already has another type.
 */
export interface TabConflict__Output {
  'name': (string);
  /**
   * The stored type spec, e.g. GAUGE or HISTOGRAM:1,5,10.
   */
  'storedType': (string);
}
