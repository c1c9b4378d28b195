// Original file: taba/internal/v1/aggregator.proto

import type { TabConflict as _taba_internal_v1_TabConflict, TabConflict__Output as _taba_internal_v1_TabConflict__Output } from '../../../taba/internal/v1/TabConflict.js';
import type { TabRefusal as _taba_internal_v1_TabRefusal, TabRefusal__Output as _taba_internal_v1_TabRefusal__Output } from '../../../taba/internal/v1/TabRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface PartResult {
  'partition'?: (number);
  /**
   * True when the part's (session, seq) was the client's high-water mark: nothing changed.
   */
  'duplicate'?: (boolean);
  /**
   * Events applied (those of conflicting Tabs excluded).
   */
  'events'?: (number | string | Long);
  'conflicts'?: (_taba_internal_v1_TabConflict)[];
  /**
   * Set when the part was refused and nothing changed: SEQ_REGRESSION (a seq below the mark of
   * its session) or SESSION_FENCED (a newer session of the client has written the partition).
   */
  'refused'?: (string);
  /**
   * The client's mark on the partition before this part: session and seq (0, 0: none).
   */
  'markSession'?: (number | string | Long);
  'markSeq'?: (number | string | Long);
  /**
   * Tabs not applied because a cardinality cap was reached (TAB_LIMIT); their events are not in
   * `events`.
   */
  'refusedTabs'?: (_taba_internal_v1_TabRefusal)[];
}

export interface PartResult__Output {
  'partition': (number);
  /**
   * True when the part's (session, seq) was the client's high-water mark: nothing changed.
   */
  'duplicate': (boolean);
  /**
   * Events applied (those of conflicting Tabs excluded).
   */
  'events': (number);
  'conflicts': (_taba_internal_v1_TabConflict__Output)[];
  /**
   * Set when the part was refused and nothing changed: SEQ_REGRESSION (a seq below the mark of
   * its session) or SESSION_FENCED (a newer session of the client has written the partition).
   */
  'refused': (string);
  /**
   * The client's mark on the partition before this part: session and seq (0, 0: none).
   */
  'markSession': (number);
  'markSeq': (number);
  /**
   * Tabs not applied because a cardinality cap was reached (TAB_LIMIT); their events are not in
   * `events`.
   */
  'refusedTabs': (_taba_internal_v1_TabRefusal__Output)[];
}
