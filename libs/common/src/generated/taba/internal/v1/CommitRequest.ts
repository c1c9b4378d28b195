// Original file: taba/internal/v1/aggregator.proto

import type { PartitionPart as _taba_internal_v1_PartitionPart, PartitionPart__Output as _taba_internal_v1_PartitionPart__Output } from '../../../taba/internal/v1/PartitionPart.js';

export interface CommitRequest {
  'parts'?: (_taba_internal_v1_PartitionPart)[];
}

export interface CommitRequest__Output {
  'parts': (_taba_internal_v1_PartitionPart__Output)[];
}
