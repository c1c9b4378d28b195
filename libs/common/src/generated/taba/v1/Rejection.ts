// Original file: taba/v1/taba.proto

import type { RejectCode as _taba_v1_RejectCode, RejectCode__Output as _taba_v1_RejectCode__Output } from '../../taba/v1/RejectCode.js';

export interface Rejection {
  /**
   * Position of the event in the batch, counting the columns in order.
   */
  'index'?: (number);
  /**
   * Index of the TabColumn, and of the event inside it.
   */
  'tab'?: (number);
  'event'?: (number);
  'code'?: (_taba_v1_RejectCode);
  'reason'?: (string);
  /**
   * StreamEvents only: which batch of the stream, from 0.
   */
  'batch'?: (number);
}

export interface Rejection__Output {
  /**
   * Position of the event in the batch, counting the columns in order.
   */
  'index': (number);
  /**
   * Index of the TabColumn, and of the event inside it.
   */
  'tab': (number);
  'event': (number);
  'code': (_taba_v1_RejectCode__Output);
  'reason': (string);
  /**
   * StreamEvents only: which batch of the stream, from 0.
   */
  'batch': (number);
}
