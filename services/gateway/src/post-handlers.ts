import type { handleClientStreamingCall, handleUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '@taba/common';
import { cancellationOf, logUnexpected, toCallStatus } from './call-status.js';
import type { PostEventsResponse, StreamEventsResponse } from './contract.js';
import type { Downstream } from './downstream.js';
import { StreamSummary } from './stream-summary.js';

export interface PostHandlersOptions {
  readonly downstream: Downstream;
  readonly maxListedRejections: number;
  readonly logger: Logger;
}

/**
 * PostEvents and StreamEvents. Both receive each EventBatch as the bytes the client sent (the
 * service definition registers them with a pass-through deserializer) and hand those bytes to
 * an ingest instance unchanged; the responses are decoded.
 */
export function postHandlers(options: PostHandlersOptions): {
  PostEvents: handleUnaryCall<Buffer, PostEventsResponse>;
  StreamEvents: handleClientStreamingCall<Buffer, StreamEventsResponse>;
} {
  const { downstream, maxListedRejections, logger } = options;
  return {
    PostEvents: (call, callback) => {
      const context = {
        deadline: downstream.deadline(call.getDeadline()),
        signal: cancellationOf(call),
      };
      downstream.postBatch(call.request, context).then(
        response => callback(null, response),
        (error: unknown) => {
          logUnexpected(logger, 'PostEvents', error);
          callback(toCallStatus(error));
        },
      );
    },

    // Batches go to ingest one at a time, in arrival order; the first failure ends the call.
    StreamEvents: (call, callback) => {
      const signal = cancellationOf(call);
      const summary = new StreamSummary(maxListedRejections);
      const run = async () => {
        for await (const batch of call as AsyncIterable<Buffer>) {
          const context = { deadline: downstream.deadline(call.getDeadline()), signal };
          summary.add(await downstream.postBatch(batch, context));
        }
        return summary.result();
      };
      run().then(
        result => callback(null, result),
        (error: unknown) => {
          // A cancelled call has nobody left to answer; grpc-js drops the callback.
          if (signal.aborted) return;
          logUnexpected(logger, 'StreamEvents', error);
          callback(toCallStatus(error));
        },
      );
    },
  };
}
