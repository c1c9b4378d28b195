// Original file: taba/v1/taba.proto

import type { Long } from '@grpc/proto-loader';

export interface ClientCardinality {
  'clientId'?: (string);
  'tabs'?: (number | string | Long);
}

export interface ClientCardinality__Output {
  'clientId': (string);
  'tabs': (number);
}
