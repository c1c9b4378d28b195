import type { ServerUnaryCall, ServiceError, sendUnaryData } from '@grpc/grpc-js';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { REASON_METADATA_KEY } from '../errors/grpc-status.js';
import { loadTabaProtos } from '../proto/load.js';
import { bindServer, createGrpcServer } from './server.js';
import { MALFORMED_MESSAGE, MESSAGE_TOO_LARGE } from './wire-refusals.js';

const { Query } = loadTabaProtos().taba.internal.v1;
const METHOD = '/taba.internal.v1.Query/GetAggregates';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A real Query server on port 0 whose GetAggregates answers an empty list, and its refusals. */
async function startServer(maxMessageBytes: number) {
  const refused: string[] = [];
  let handled = 0;
  const server = createGrpcServer({ maxMessageBytes, maxResponseBytes: 1024 * 1024 }, reason =>
    refused.push(reason),
  );
  server.addService(Query.service, {
    GetAggregates: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      handled += 1;
      callback(null, { tabs: [] });
    },
  });
  const port = await bindServer(server, '127.0.0.1:0');
  cleanups.push(() => server.forceShutdown());
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  cleanups.push(() => client.close());
  return { client, refused, handled: () => handled };
}

/** Sends `bytes` as the request of GetAggregates, whatever they are. */
function sendRaw(client: Client, bytes: Buffer): Promise<ServiceError | undefined> {
  return new Promise(resolve => {
    client.makeUnaryRequest(
      METHOD,
      (value: Buffer) => value,
      (value: Buffer) => value,
      bytes,
      new Metadata(),
      { deadline: Date.now() + 5000 },
      error => resolve(error ?? undefined),
    );
  });
}

describe('wireRefusalInterceptor', () => {
  it('answers a request that does not decode INVALID_ARGUMENT MALFORMED_MESSAGE, and counts it', async () => {
    const { client, refused, handled } = await startServer(1024 * 1024);
    // Field 1 (the filter, length-delimited) claims 100 bytes and has 2.
    const error = await sendRaw(client, Buffer.from([0x0a, 0x64, 0x01, 0x02]));
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.metadata.get(REASON_METADATA_KEY)).toEqual([MALFORMED_MESSAGE]);
    expect(error?.details).toBe(`the request is not a valid protobuf message of ${METHOD}`);
    expect(refused).toEqual([MALFORMED_MESSAGE]);
    expect(handled()).toBe(0);
    // A valid (empty) request still reaches the handler.
    expect(await sendRaw(client, Buffer.alloc(0))).toBeUndefined();
    expect(handled()).toBe(1);
  });

  it('answers a message past the limit RESOURCE_EXHAUSTED MESSAGE_TOO_LARGE, and counts it', async () => {
    const { client, refused, handled } = await startServer(64);
    const error = await sendRaw(client, Buffer.alloc(100));
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.metadata.get(REASON_METADATA_KEY)).toEqual([MESSAGE_TOO_LARGE]);
    expect(error?.details).toBe(
      'a message of 100 bytes is larger than the limit of 64 bytes (TABA_MAX_MESSAGE_BYTES); send smaller batches',
    );
    expect(refused).toEqual([MESSAGE_TOO_LARGE]);
    expect(handled()).toBe(0);
  });
});
