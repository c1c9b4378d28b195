// Original file: taba/v1/taba.proto


export interface CardinalityRequest {
  /**
   * How many Tabs and clients to list, each; 0: the default (20). At most a configured maximum.
   */
  'top'?: (number);
}

export interface CardinalityRequest__Output {
  /**
   * How many Tabs and clients to list, each; 0: the default (20). At most a configured maximum.
   */
  'top': (number);
}
