import type { ChannelCredentials, ChannelOptions, ServiceError } from '@grpc/grpc-js';
import { Client, credentials } from '@grpc/grpc-js';
import type { AggregatorClient, IngestClient, QueryClient, TabaClient } from '@taba/common';
import { loadTabaProtos } from '@taba/common';

/**
 * Channel options for test clients: reconnect quickly (servers under test are often just
 * starting) and keep a private subchannel pool so one test's backoff never slows another.
 */
export const TEST_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 50,
  'grpc.max_reconnect_backoff_ms': 250,
  'grpc.use_local_subchannel_pool': 1,
};

/** Default per-call deadline in tests, ms: long enough for a loaded CI box, short enough to fail fast. */
export const TEST_CALL_TIMEOUT_MS = 2000;

/** A call deadline `ms` from now. */
export function deadlineIn(ms: number = TEST_CALL_TIMEOUT_MS): Date {
  return new Date(Date.now() + ms);
}

/**
 * Promise form of a unary call: `unary<Reply>(callback => client.method(request, { deadline: deadlineIn() }, callback))`.
 * Rejects with the call's ServiceError.
 */
export function unary<T>(
  invoke: (callback: (error: ServiceError | null, value?: T) => void) => unknown,
): Promise<T> {
  return new Promise((resolve, reject) => {
    invoke((error, value) => {
      if (error) reject(error);
      else if (value === undefined) reject(new Error('unary call ended without a reply'));
      else resolve(value);
    });
  });
}

/** Awaits a call that must fail, and returns its gRPC error (`code`, `details`). */
export async function grpcErrorOf(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'number') {
      return error as ServiceError;
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A client of the public `taba.v1.Taba` service (the gateway). Close it after use. */
export function connectTaba(
  address: string,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): TabaClient {
  const { Taba } = loadTabaProtos().taba.v1;
  return new Taba(address, channelCredentials, TEST_CHANNEL_OPTIONS);
}

/** A client of `taba.internal.v1.Ingest`. Close it after use. */
export function connectIngest(address: string): IngestClient {
  const { Ingest } = loadTabaProtos().taba.internal.v1;
  return new Ingest(address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
}

/** A client of `taba.internal.v1.Aggregator`. Close it after use. */
export function connectAggregator(address: string): AggregatorClient {
  const { Aggregator } = loadTabaProtos().taba.internal.v1;
  return new Aggregator(address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
}

/** A client of `taba.internal.v1.Query`. Close it after use. */
export function connectQuery(address: string): QueryClient {
  const { Query } = loadTabaProtos().taba.internal.v1;
  return new Query(address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
}

/**
 * Calls a unary method by path (`/package.Service/Method`) with an empty message, which is
 * every field at its default in proto3: reaches any method without its generated types.
 * Resolves the raw reply bytes; rejects with the ServiceError.
 */
export function callEmptyUnary(address: string, path: string): Promise<Buffer> {
  const client = new Client(address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const bytes = (value: Buffer) => value;
  return unary<Buffer>(callback =>
    client.makeUnaryRequest(
      path,
      bytes,
      bytes,
      Buffer.alloc(0),
      { deadline: deadlineIn() },
      callback,
    ),
  ).finally(() => client.close());
}
