// Original file: taba/v1/taba.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../taba/v1/TabType.js';

/**
 * All events of one Tab in a batch, column by column: event i is
 * (timestamps[i], values[i] or strings[i], expiries[i]). Decoding packed columns
 * creates no object per event.
 */
export interface TabColumn {
  'name'?: (string);
  'type'?: (_taba_v1_TabType);
  /**
   * Epoch seconds of each event. Empty: every event happened at the batch's sent_at.
   */
  'timestamps'?: (number | string)[];
  /**
   * Numeric values, one per event. Must be empty when `strings` is set.
   */
  'values'?: (number | string)[];
  /**
   * String values, one per event (GAUGE, EXPIRY_GAUGE, BUFFER, UNIQUE).
   */
  'strings'?: (string)[];
  /**
   * Expiry of each event, epoch seconds (EXPIRY_GAUGE and BUFFER need one per event).
   */
  'expiries'?: (number | string)[];
  /**
   * HISTOGRAM only: strictly increasing bucket upper bounds; the +Inf bucket is implied.
   */
  'bounds'?: (number | string)[];
}

/**
 * All events of one Tab in a batch, column by column: event i is
 * (timestamps[i], values[i] or strings[i], expiries[i]). Decoding packed columns
 * creates no object per event.
 */
export interface TabColumn__Output {
  'name': (string);
  'type': (_taba_v1_TabType__Output);
  /**
   * Epoch seconds of each event. Empty: every event happened at the batch's sent_at.
   */
  'timestamps': (number)[];
  /**
   * Numeric values, one per event. Must be empty when `strings` is set.
   */
  'values': (number)[];
  /**
   * String values, one per event (GAUGE, EXPIRY_GAUGE, BUFFER, UNIQUE).
   */
  'strings': (string)[];
  /**
   * Expiry of each event, epoch seconds (EXPIRY_GAUGE and BUFFER need one per event).
   */
  'expiries': (number)[];
  /**
   * HISTOGRAM only: strictly increasing bucket upper bounds; the +Inf bucket is implied.
   */
  'bounds': (number)[];
}
