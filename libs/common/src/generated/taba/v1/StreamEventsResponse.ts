// Original file: taba/v1/taba.proto

import type { Rejection as _taba_v1_Rejection, Rejection__Output as _taba_v1_Rejection__Output } from '../../taba/v1/Rejection.js';
import type { Long } from '@grpc/proto-loader';

export interface StreamEventsResponse {
  'batches'?: (number | string | Long);
  'applied'?: (number | string | Long);
  'rejectedCount'?: (number | string | Long);
  'rejected'?: (_taba_v1_Rejection)[];
  'duplicates'?: (number | string | Long);
}

export interface StreamEventsResponse__Output {
  'batches': (number);
  'applied': (number);
  'rejectedCount': (number);
  'rejected': (_taba_v1_Rejection__Output)[];
  'duplicates': (number);
}
