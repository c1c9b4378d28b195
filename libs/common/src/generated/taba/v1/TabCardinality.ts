// Original file: taba/v1/taba.proto

import type { Long } from '@grpc/proto-loader';

export interface TabCardinality {
  'name'?: (string);
  'clients'?: (number | string | Long);
}

export interface TabCardinality__Output {
  'name': (string);
  'clients': (number);
}
