// Original file: taba/internal/v1/aggregator.proto

import type { PartResult as _taba_internal_v1_PartResult, PartResult__Output as _taba_internal_v1_PartResult__Output } from '../../../taba/internal/v1/PartResult.js';

export interface CommitResponse {
  'results'?: (_taba_internal_v1_PartResult)[];
}

export interface CommitResponse__Output {
  'results': (_taba_internal_v1_PartResult__Output)[];
}
