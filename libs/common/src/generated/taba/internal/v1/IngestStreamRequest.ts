// Original file: taba/internal/v1/ingest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One batch on the gateway's long-lived stream to an ingest instance.
 */
export interface IngestStreamRequest {
  /**
   * Chosen by the sender; the reply carries it back (replies may come in any order).
   */
  'id'?: (number | string | Long);
  /**
   * An encoded taba.v1.EventBatch, as the client sent it.
   */
  'batch'?: (Buffer | Uint8Array | string);
  /**
   * W3C trace context of the batch's span at the gateway (stream metadata is per stream, not
   * per batch); empty when tracing is off.
   */
  'traceparent'?: (string);
  'tracestate'?: (string);
}

/**
 * One batch on the gateway's long-lived stream to an ingest instance.
 */
export interface IngestStreamRequest__Output {
  /**
   * Chosen by the sender; the reply carries it back (replies may come in any order).
   */
  'id': (number);
  /**
   * An encoded taba.v1.EventBatch, as the client sent it.
   */
  'batch': (Buffer);
  /**
   * W3C trace context of the batch's span at the gateway (stream metadata is per stream, not
   * per batch); empty when tracing is off.
   */
  'traceparent': (string);
  'tracestate': (string);
}
