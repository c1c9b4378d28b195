import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleUnaryCall,
  Metadata,
} from '@grpc/grpc-js';
import type { Logger } from '@taba/common';
import { contextFromMetadata, inSpan, REASON_METADATA_KEY, SpanKind } from '@taba/common';
import type { GatewayAuth } from './auth/gateway-auth.js';
import { cancellationOf, logUnexpected, toCallStatus } from './call-status.js';
import type { PostEventsResponse, PostEventsResult, StreamEventsResponse } from './contract.js';
import type { CallContext, Downstream } from './downstream.js';
import { StreamSummary } from './stream-summary.js';

export interface PostHandlersOptions {
  readonly downstream: Downstream;
  readonly auth: GatewayAuth;
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
  PostEventsStream: handleBidiStreamingCall<Buffer, PostEventsResult>;
} {
  const { downstream, auth, maxListedRejections, logger } = options;
  // The token and its write scope were checked before any message (the server's guard). Each
  // batch is checked again here, with its client ID, before it is forwarded: on a long-lived
  // stream a token removed from the tokens file stops working at the next batch. One span per
  // batch, its parent the caller's `traceparent` (the call's metadata) if any.
  const post = (
    call: { getPath(): string; metadata: Metadata },
    batch: Buffer,
    context: CallContext,
  ) =>
    inSpan(
      call.getPath().slice(1),
      {
        kind: SpanKind.SERVER,
        parent: contextFromMetadata(call.metadata),
        attributes: { 'rpc.system': 'grpc', 'taba.batch.bytes': batch.length },
      },
      () => {
        auth.authorizeBatch(auth.grantOfCall(call.getPath(), call.metadata), batch);
        return downstream.postBatch(batch, context);
      },
    );
  return {
    PostEvents: (call, callback) => {
      const context = {
        deadline: downstream.deadline(call.getDeadline()),
        signal: cancellationOf(call),
      };
      Promise.resolve()
        .then(() => post(call, call.request, context))
        .then(
          response => callback(null, response),
          (error: unknown) => {
            logUnexpected(logger, 'PostEvents', error);
            callback(toCallStatus(error));
          },
        );
    },

    // Every batch goes to ingest at once; answers leave in the order the batches came, a failed
    // batch answered with its status, and the stream goes on.
    PostEventsStream: call => {
      const signal = cancellationOf(call);
      let tail: Promise<void> = Promise.resolve();
      let ended = false;
      let open = 0;
      call.on('data', (batch: Buffer) => {
        open += 1;
        const result = Promise.resolve()
          .then(() =>
            post(call, batch, { deadline: downstream.deadline(call.getDeadline()), signal }),
          )
          .then(
            (response): PostEventsResult => ({ response }),
            (error: unknown): PostEventsResult => {
              logUnexpected(logger, 'PostEventsStream', error);
              const status = toCallStatus(error);
              return {
                errorCode: status.code,
                errorReason: String(status.metadata.get(REASON_METADATA_KEY)[0] ?? ''),
                errorMessage: status.details,
              };
            },
          );
        tail = tail
          .then(() => result)
          .then(answer => {
            if (!signal.aborted) call.write(answer);
            open -= 1;
            if (ended && open === 0 && !signal.aborted) call.end();
          });
      });
      call.on('end', () => {
        ended = true;
        if (open === 0) call.end();
      });
    },

    // Batches go to ingest one at a time, in arrival order; the first failure ends the call.
    StreamEvents: (call, callback) => {
      const signal = cancellationOf(call);
      const summary = new StreamSummary(maxListedRejections);
      const run = async () => {
        for await (const batch of call as AsyncIterable<Buffer>) {
          const context = { deadline: downstream.deadline(call.getDeadline()), signal };
          summary.add(await post(call, batch, context));
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
