// Original file: taba/v1/taba.proto

import type { RenderedTab as _taba_v1_RenderedTab, RenderedTab__Output as _taba_v1_RenderedTab__Output } from '../../taba/v1/RenderedTab.js';

export interface AggregatesResponse {
  'tabs'?: (_taba_v1_RenderedTab)[];
}

export interface AggregatesResponse__Output {
  'tabs': (_taba_v1_RenderedTab__Output)[];
}
