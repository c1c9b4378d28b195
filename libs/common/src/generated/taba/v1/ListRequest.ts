// Original file: taba/v1/taba.proto

import type { TabFilter as _taba_v1_TabFilter, TabFilter__Output as _taba_v1_TabFilter__Output } from '../../taba/v1/TabFilter.js';

export interface ListRequest {
  /**
   * With clients set, only names those clients wrote are listed.
   */
  'filter'?: (_taba_v1_TabFilter | null);
}

export interface ListRequest__Output {
  /**
   * With clients set, only names those clients wrote are listed.
   */
  'filter': (_taba_v1_TabFilter__Output | null);
}
