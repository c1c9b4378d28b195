// Original file: taba/internal/v1/aggregator.proto

import type { TabDelta as _taba_internal_v1_TabDelta, TabDelta__Output as _taba_internal_v1_TabDelta__Output } from '../../../taba/internal/v1/TabDelta.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One partition's share of one client batch. The split is deterministic, so a
 * retry produces the same part; (client_id, seq) makes applying it idempotent.
 */
export interface PartitionPart {
  'partition'?: (number);
  'clientId'?: (string);
  /**
   * 0: no sequence, applied at least once.
   */
  'seq'?: (number | string | Long);
  'tabs'?: (_taba_internal_v1_TabDelta)[];
  /**
   * The batch's session (taba.v1.EventBatch.session); 0: none.
   */
  'session'?: (number | string | Long);
}

/**
 * One partition's share of one client batch. The split is deterministic, so a
 * retry produces the same part; (client_id, seq) makes applying it idempotent.
 */
export interface PartitionPart__Output {
  'partition': (number);
  'clientId': (string);
  /**
   * 0: no sequence, applied at least once.
   */
  'seq': (number);
  'tabs': (_taba_internal_v1_TabDelta__Output)[];
  /**
   * The batch's session (taba.v1.EventBatch.session); 0: none.
   */
  'session': (number);
}
