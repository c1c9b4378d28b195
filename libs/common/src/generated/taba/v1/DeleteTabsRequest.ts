// Original file: taba/v1/taba.proto

import type { TabFilter as _taba_v1_TabFilter, TabFilter__Output as _taba_v1_TabFilter__Output } from '../../taba/v1/TabFilter.js';

export interface DeleteTabsRequest {
  /**
   * Names (or patterns with regex) are required: an empty filter deletes nothing.
   */
  'filter'?: (_taba_v1_TabFilter | null);
}

export interface DeleteTabsRequest__Output {
  /**
   * Names (or patterns with regex) are required: an empty filter deletes nothing.
   */
  'filter': (_taba_v1_TabFilter__Output | null);
}
