// Original file: taba/v1/taba.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../taba/v1/TabType.js';

export interface TabTypeEntry {
  'name'?: (string);
  'type'?: (_taba_v1_TabType);
  /**
   * HISTOGRAM only.
   */
  'bounds'?: (number | string)[];
}

export interface TabTypeEntry__Output {
  'name': (string);
  'type': (_taba_v1_TabType__Output);
  /**
   * HISTOGRAM only.
   */
  'bounds': (number)[];
}
