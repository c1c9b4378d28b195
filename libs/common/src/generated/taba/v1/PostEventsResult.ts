// Original file: taba/v1/taba.proto

import type { PostEventsResponse as _taba_v1_PostEventsResponse, PostEventsResponse__Output as _taba_v1_PostEventsResponse__Output } from '../../taba/v1/PostEventsResponse.js';

/**
 * One answer of PostEventsStream: the batch's response, or the status it failed with.
 */
export interface PostEventsResult {
  /**
   * Set when the batch was processed (applied, refused events, duplicate).
   */
  'response'?: (_taba_v1_PostEventsResponse | null);
  /**
   * Otherwise why the batch failed, as PostEvents would fail with it; the stream goes on.
   */
  'errorCode'?: (number);
  'errorReason'?: (string);
  'errorMessage'?: (string);
}

/**
 * One answer of PostEventsStream: the batch's response, or the status it failed with.
 */
export interface PostEventsResult__Output {
  /**
   * Set when the batch was processed (applied, refused events, duplicate).
   */
  'response': (_taba_v1_PostEventsResponse__Output | null);
  /**
   * Otherwise why the batch failed, as PostEvents would fail with it; the stream goes on.
   */
  'errorCode': (number);
  'errorReason': (string);
  'errorMessage': (string);
}
