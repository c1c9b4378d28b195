// Original file: taba/internal/v1/aggregator.proto

import type { TabConflict as _taba_internal_v1_TabConflict, TabConflict__Output as _taba_internal_v1_TabConflict__Output } from '../../../taba/internal/v1/TabConflict.js';
import type { TabRefusal as _taba_internal_v1_TabRefusal, TabRefusal__Output as _taba_internal_v1_TabRefusal__Output } from '../../../taba/internal/v1/TabRefusal.js';
import type { Long } from '@grpc/proto-loader';

export interface PartResult {
  'partition'?: (number);
  /**
   * True when the part's seq was not above the client's high-water mark: nothing changed.
   */
  'duplicate'?: (boolean);
  /**
   * Events applied (those of conflicting Tabs excluded).
   */
  'events'?: (number | string | Long);
  'conflicts'?: (_taba_internal_v1_TabConflict)[];
  /**
   * Events of refused Tabs are not in `events`.
   */
  'refused'?: (_taba_internal_v1_TabRefusal)[];
}

export interface PartResult__Output {
  'partition': (number);
  /**
   * True when the part's seq was not above the client's high-water mark: nothing changed.
   */
  'duplicate': (boolean);
  /**
   * Events applied (those of conflicting Tabs excluded).
   */
  'events': (number);
  'conflicts': (_taba_internal_v1_TabConflict__Output)[];
  /**
   * Events of refused Tabs are not in `events`.
   */
  'refused': (_taba_internal_v1_TabRefusal__Output)[];
}
