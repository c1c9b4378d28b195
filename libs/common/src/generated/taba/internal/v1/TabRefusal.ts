// Original file: taba/internal/v1/aggregator.proto


/**
 * A Tab of a part that was not applied because a cardinality cap was reached (TAB_LIMIT).
 */
export interface TabRefusal {
  'name'?: (string);
  /**
   * Which cap: TABS (all Tabs), TABS_PER_CLIENT or CLIENTS_PER_TAB.
   */
  'cap'?: (string);
}

/**
 * A Tab of a part that was not applied because a cardinality cap was reached (TAB_LIMIT).
 */
export interface TabRefusal__Output {
  'name': (string);
  /**
   * Which cap: TABS (all Tabs), TABS_PER_CLIENT or CLIENTS_PER_TAB.
   */
  'cap': (string);
}
