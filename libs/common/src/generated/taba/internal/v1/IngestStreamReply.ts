// Original file: taba/internal/v1/ingest.proto

import type { PostEventsResponse as _taba_v1_PostEventsResponse, PostEventsResponse__Output as _taba_v1_PostEventsResponse__Output } from '../../../taba/v1/PostEventsResponse.js';
import type { Long } from '@grpc/proto-loader';

export interface IngestStreamReply {
  'id'?: (number | string | Long);
  /**
   * Set when the batch was processed.
   */
  'response'?: (_taba_v1_PostEventsResponse | null);
  /**
   * Otherwise the gRPC status code, the taba reason and the message the unary call would fail with.
   */
  'errorCode'?: (number);
  'errorReason'?: (string);
  'errorMessage'?: (string);
}

export interface IngestStreamReply__Output {
  'id': (number);
  /**
   * Set when the batch was processed.
   */
  'response': (_taba_v1_PostEventsResponse__Output | null);
  /**
   * Otherwise the gRPC status code, the taba reason and the message the unary call would fail with.
   */
  'errorCode': (number);
  'errorReason': (string);
  'errorMessage': (string);
}
