// EventBatches as raw bytes through the gateway's PostEvents (unary) and PostEventsStream (one
// answer per batch, in order): valid, mutated, random and structurally hostile batches.
import type { PostEventsResult__Output } from '../../../libs/common/src/generated/taba/v1/PostEventsResult.js';
import { loadTabaProtos } from '@taba/common';
import type { BatchInput } from '../batch-inputs.js';
import { batchInput } from '../batch-inputs.js';
import type { EntryPoint } from '../fuzz-input.js';
import { OrderedStreams, rawClient, rawUnary } from '../grpc-calls.js';
import type { Answer } from '../verdicts.js';
import { grpcStatusName, grpcVerdict } from '../verdicts.js';

export function grpcPostEvents(address: string, now: number): EntryPoint<BatchInput> {
  const client = rawClient(address);
  return {
    generate: (random, mode) => batchInput(random, now, mode === 'heavy'),
    send: (input, timeoutMs) =>
      rawUnary(client, '/taba.v1.Taba/PostEvents', input.bytes, timeoutMs),
    close: () => client.close(),
  };
}

/**
 * The same batches straight to an ingest instance's Ingest method, as the gateway forwards
 * them: the decoder behind the gateway without the gateway's hop (twice the inputs per second).
 */
export function grpcIngest(address: string, now: number): EntryPoint<BatchInput> {
  const client = rawClient(address);
  return {
    generate: (random, mode) => batchInput(random, now, mode === 'heavy'),
    send: (input, timeoutMs) =>
      rawUnary(client, '/taba.internal.v1.Ingest/Ingest', input.bytes, timeoutMs),
    close: () => client.close(),
  };
}

function streamAnswer(reply: Buffer): Answer {
  const result = loadTabaProtos().taba.v1.PostEventsResult.deserialize(
    reply,
  ) as PostEventsResult__Output;
  if (result.response) return { status: 'OK', verdict: 'ok' };
  return {
    status: grpcStatusName(result.errorCode),
    verdict: grpcVerdict(result.errorCode),
    detail: `${result.errorReason}: ${result.errorMessage}`.slice(0, 300),
  };
}

/** Streams at once; each carries a share of the inputs in flight. */
const STREAMS = 4;

export function grpcPostEventsStream(address: string, now: number): EntryPoint<BatchInput> {
  const client = rawClient(address);
  const streams = new OrderedStreams(
    client,
    '/taba.v1.Taba/PostEventsStream',
    streamAnswer,
    STREAMS,
  );
  return {
    generate: (random, mode) => batchInput(random, now, mode === 'heavy'),
    send: (input, timeoutMs) => streams.send(input.bytes, timeoutMs),
    close: () => {
      streams.close();
      client.close();
    },
  };
}
