// Original file: taba/v1/taba.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../taba/v1/TabType.js';

export interface RenderedTab {
  'name'?: (string);
  'type'?: (_taba_v1_TabType);
  /**
   * JSON (JSON, DETAIL) or text (TEXT), as documented per type.
   */
  'body'?: (string);
}

export interface RenderedTab__Output {
  'name': (string);
  'type': (_taba_v1_TabType__Output);
  /**
   * JSON (JSON, DETAIL) or text (TEXT), as documented per type.
   */
  'body': (string);
}
