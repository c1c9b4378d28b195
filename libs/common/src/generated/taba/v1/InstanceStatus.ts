// Original file: taba/v1/taba.proto


/**
 * What one running instance reports about itself.
 */
export interface InstanceStatus {
  'service'?: (string);
  'instanceId'?: (string);
  'address'?: (string);
  'startedAt'?: (number | string);
  'version'?: (string);
  /**
   * Monotonic counters and gauges, e.g. events_applied, events_rejected.late, dropped.queue_full.
   */
  'metrics'?: ({[key: string]: number | string});
  /**
   * Free-form facts, e.g. discovery mode, the members this instance sees.
   */
  'details'?: ({[key: string]: string});
}

/**
 * What one running instance reports about itself.
 */
export interface InstanceStatus__Output {
  'service': (string);
  'instanceId': (string);
  'address': (string);
  'startedAt': (number);
  'version': (string);
  /**
   * Monotonic counters and gauges, e.g. events_applied, events_rejected.late, dropped.queue_full.
   */
  'metrics': ({[key: string]: number});
  /**
   * Free-form facts, e.g. discovery mode, the members this instance sees.
   */
  'details': ({[key: string]: string});
}
