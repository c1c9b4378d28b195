// Original file: taba/internal/v1/aggregator.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../../taba/v1/TabType.js';

/**
 * The folded events of one Tab for one client.
 */
export interface TabDelta {
  'name'?: (string);
  'type'?: (_taba_v1_TabType);
  /**
   * The handler's Delta, in the encoding of libs/common's delta codec.
   */
  'delta'?: (Buffer | Uint8Array | string);
  /**
   * How many events were folded into it.
   */
  'events'?: (number);
  /**
   * HISTOGRAM: the bucket bounds, part of the Tab's type.
   */
  'bounds'?: (number | string)[];
}

/**
 * The folded events of one Tab for one client.
 */
export interface TabDelta__Output {
  'name': (string);
  'type': (_taba_v1_TabType__Output);
  /**
   * The handler's Delta, in the encoding of libs/common's delta codec.
   */
  'delta': (Buffer);
  /**
   * How many events were folded into it.
   */
  'events': (number);
  /**
   * HISTOGRAM: the bucket bounds, part of the Tab's type.
   */
  'bounds': (number)[];
}
