// Original file: taba/v1/taba.proto

import type { TabTypeEntry as _taba_v1_TabTypeEntry, TabTypeEntry__Output as _taba_v1_TabTypeEntry__Output } from '../../taba/v1/TabTypeEntry.js';

export interface TypesResponse {
  'types'?: (_taba_v1_TabTypeEntry)[];
}

export interface TypesResponse__Output {
  'types': (_taba_v1_TabTypeEntry__Output)[];
}
