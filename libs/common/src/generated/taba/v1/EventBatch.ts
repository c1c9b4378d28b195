// Original file: taba/v1/taba.proto

import type { TabColumn as _taba_v1_TabColumn, TabColumn__Output as _taba_v1_TabColumn__Output } from '../../taba/v1/TabColumn.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One client's batch. With a non-zero seq, a retried batch is applied exactly once:
 * seq must rise per batch of the same (client_id, session), one batch in flight at a time.
 * Re-sending the last applied seq is a duplicate; a lower seq is refused (SEQ_REGRESSION).
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
  /**
   * The sending process's session: when it started, in microseconds since the Unix epoch
   * (at most the clock-skew limit ahead of the server's clock). A batch of a newer session
   * fences every older session of the same client_id (SESSION_FENCED) and starts its own seq
   * space. 0: no session (the oldest).
   */
  'session'?: (number | string | Long);
}

/**
 * One client's batch. With a non-zero seq, a retried batch is applied exactly once:
 * seq must rise per batch of the same (client_id, session), one batch in flight at a time.
 * Re-sending the last applied seq is a duplicate; a lower seq is refused (SEQ_REGRESSION).
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
  /**
   * The sending process's session: when it started, in microseconds since the Unix epoch
   * (at most the clock-skew limit ahead of the server's clock). A batch of a newer session
   * fences every older session of the same client_id (SESSION_FENCED) and starts its own seq
   * space. 0: no session (the oldest).
   */
  'session': (number);
}
