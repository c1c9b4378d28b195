// Original file: taba/v1/taba.proto

import type { TabFilter as _taba_v1_TabFilter, TabFilter__Output as _taba_v1_TabFilter__Output } from '../../taba/v1/TabFilter.js';
import type { RenderMode as _taba_v1_RenderMode, RenderMode__Output as _taba_v1_RenderMode__Output } from '../../taba/v1/RenderMode.js';

export interface AggregatesRequest {
  'filter'?: (_taba_v1_TabFilter | null);
  'mode'?: (_taba_v1_RenderMode);
}

export interface AggregatesRequest__Output {
  'filter': (_taba_v1_TabFilter__Output | null);
  'mode': (_taba_v1_RenderMode__Output);
}
