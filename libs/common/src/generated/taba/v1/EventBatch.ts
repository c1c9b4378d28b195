// Original file: taba/v1/taba.proto

import type { TabColumn as _taba_v1_TabColumn, TabColumn__Output as _taba_v1_TabColumn__Output } from '../../taba/v1/TabColumn.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One client's batch. With a non-zero seq, a retried batch is applied exactly once:
 * seq must rise by one per batch of the same client_id, one batch in flight at a time.
 * With seq 0 the batch is applied at least once (a retry may count twice).
 */
export interface EventBatch {
  'clientId'?: (string);
  'seq'?: (number | string | Long);
  /**
   * Epoch seconds used for events without timestamps; 0 means the time of arrival.
   */
  'sentAt'?: (number | string);
  'tabs'?: (_taba_v1_TabColumn)[];
}

/**
 * One client's batch. With a non-zero seq, a retried batch is applied exactly once:
 * seq must rise by one per batch of the same client_id, one batch in flight at a time.
 * With seq 0 the batch is applied at least once (a retry may count twice).
 */
export interface EventBatch__Output {
  'clientId': (string);
  'seq': (number);
  /**
   * Epoch seconds used for events without timestamps; 0 means the time of arrival.
   */
  'sentAt': (number);
  'tabs': (_taba_v1_TabColumn__Output)[];
}
