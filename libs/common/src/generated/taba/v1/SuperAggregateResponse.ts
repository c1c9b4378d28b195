// Original file: taba/v1/taba.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../taba/v1/TabType.js';

export interface SuperAggregateResponse {
  'type'?: (_taba_v1_TabType);
  /**
   * The Tabs that were merged.
   */
  'names'?: (string)[];
  'body'?: (string);
}

export interface SuperAggregateResponse__Output {
  'type': (_taba_v1_TabType__Output);
  /**
   * The Tabs that were merged.
   */
  'names': (string)[];
  'body': (string);
}
