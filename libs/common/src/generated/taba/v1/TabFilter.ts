// Original file: taba/v1/taba.proto


/**
 * Selects Tabs and clients. Empty lists select everything.
 */
export interface TabFilter {
  /**
   * Exact names, or (with regex) patterns; a Tab is selected when any one matches.
   */
  'names'?: (string)[];
  /**
   * Exact client IDs, or (with regex) patterns.
   */
  'clients'?: (string)[];
  /**
   * Treat names and clients as regular expressions (bounded in length and run time).
   */
  'regex'?: (boolean);
}

/**
 * Selects Tabs and clients. Empty lists select everything.
 */
export interface TabFilter__Output {
  /**
   * Exact names, or (with regex) patterns; a Tab is selected when any one matches.
   */
  'names': (string)[];
  /**
   * Exact client IDs, or (with regex) patterns.
   */
  'clients': (string)[];
  /**
   * Treat names and clients as regular expressions (bounded in length and run time).
   */
  'regex': (boolean);
}
