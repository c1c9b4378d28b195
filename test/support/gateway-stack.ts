import type { EventBatch, PostEventsResponse__Output, TabaClient } from '@taba/common';
import { afterAll, beforeAll } from 'vitest';
import { connectTaba, deadlineIn, unary } from './grpc-client.js';
import type { Stack, StackOptions } from './stack.js';
import { startStack } from './stack.js';

/**
 * A whole stack for a test file (started before its tests, stopped after them) and a gRPC client
 * of its gateway; read both through the getters inside tests.
 */
export function useGatewayStack(options: StackOptions): {
  stack: () => Stack;
  grpc: () => TabaClient;
} {
  let stack: Stack | undefined;
  let grpc: TabaClient | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
    grpc = connectTaba(stack.grpcAddress, stack.gateway.credentials);
  }, 120_000);
  afterAll(async () => {
    grpc?.close();
    await stack?.stop();
  }, 60_000);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the stack is not started yet');
    return value;
  };
  return { stack: () => started(stack), grpc: () => started(grpc) };
}

/** PostEvents through a gateway client, within `deadlineMs`. */
export function postBatch(
  grpc: TabaClient,
  batch: EventBatch,
  deadlineMs: number,
): Promise<PostEventsResponse__Output> {
  return unary<PostEventsResponse__Output>(callback =>
    grpc.postEvents(batch, { deadline: deadlineIn(deadlineMs) }, callback),
  );
}
