// Original file: taba/internal/v1/aggregator.proto

import type { Long } from '@grpc/proto-loader';

export interface PartResult {
  'partition'?: (number);
  /**
   * True when the part's seq was not above the client's high-water mark: nothing changed.
   */
  'duplicate'?: (boolean);
  'events'?: (number | string | Long);
}

export interface PartResult__Output {
  'partition': (number);
  /**
   * True when the part's seq was not above the client's high-water mark: nothing changed.
   */
  'duplicate': (boolean);
  'events': (number);
}
