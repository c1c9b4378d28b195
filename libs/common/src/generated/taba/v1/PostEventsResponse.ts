// Original file: taba/v1/taba.proto

import type { Rejection as _taba_v1_Rejection, Rejection__Output as _taba_v1_Rejection__Output } from '../../taba/v1/Rejection.js';
import type { Long } from '@grpc/proto-loader';

export interface PostEventsResponse {
  /**
   * Events applied to the State (or already applied, for a duplicate batch).
   */
  'applied'?: (number | string | Long);
  /**
   * Rejected events: every one is counted; at most a configurable number are listed.
   */
  'rejectedCount'?: (number | string | Long);
  'rejected'?: (_taba_v1_Rejection)[];
  /**
   * True when the batch's (client_id, seq) had already been applied; nothing changed.
   */
  'duplicate'?: (boolean);
  /**
   * True when this batch's session took over from an older session of the same client_id
   * (now fenced: its batches are refused with SESSION_FENCED) on at least one partition.
   */
  'fencedOlderSession'?: (boolean);
  /**
   * The newest such older session (0: it posted without a session).
   */
  'fencedSession'?: (number | string | Long);
}

export interface PostEventsResponse__Output {
  /**
   * Events applied to the State (or already applied, for a duplicate batch).
   */
  'applied': (number);
  /**
   * Rejected events: every one is counted; at most a configurable number are listed.
   */
  'rejectedCount': (number);
  'rejected': (_taba_v1_Rejection__Output)[];
  /**
   * True when the batch's (client_id, seq) had already been applied; nothing changed.
   */
  'duplicate': (boolean);
  /**
   * True when this batch's session took over from an older session of the same client_id
   * (now fenced: its batches are refused with SESSION_FENCED) on at least one partition.
   */
  'fencedOlderSession': (boolean);
  /**
   * The newest such older session (0: it posted without a session).
   */
  'fencedSession': (number);
}
