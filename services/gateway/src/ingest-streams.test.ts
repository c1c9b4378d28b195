import type { ServerDuplexStream, ServiceError } from '@grpc/grpc-js';
import { credentials, status } from '@grpc/grpc-js';
import type { IngestClient } from '@taba/common';
import {
  bindServer,
  createGrpcServer,
  grpcChannelOptions,
  loadTabaProtos,
  REASON_METADATA_KEY,
} from '@taba/common';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestStreams } from './ingest-streams.js';

type Stream = ServerDuplexStream<{ id: number; batch: Buffer }, unknown>;

const protos = loadTabaProtos().taba.internal.v1;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A real server whose IngestStream hands every call to `onStream`. */
async function serve(onStream: (call: Stream) => void): Promise<IngestClient> {
  const server = createGrpcServer();
  server.addService(protos.Ingest.service, { IngestStream: onStream });
  const port = await bindServer(server, '127.0.0.1:0');
  const client = new protos.Ingest(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
    grpcChannelOptions(),
  );
  cleanups.push(() => {
    client.close();
    server.forceShutdown();
  });
  return client;
}

const answer = (applied: number) => ({ applied, rejectedCount: 0, rejected: [], duplicate: false });
const soon = () => Date.now() + 5000;

describe('IngestStreams', () => {
  it('matches answers to batches by id, whatever their order, on one stream', async () => {
    let streams = 0;
    const client = await serve(call => {
      streams += 1;
      const held: { id: number; batch: Buffer }[] = [];
      call.on('data', request => {
        held.push(request);
        if (held.length === 3) {
          // Answer in reverse order; the answer says which batch it was (its first byte).
          for (const { id, batch } of held.reverse())
            call.write({ id, response: answer(batch[0] ?? 0) });
        }
      });
    });
    const streamsOf = new IngestStreams(1);
    const results = await Promise.all(
      [1, 2, 3].map(n => streamsOf.send(client, Buffer.from([n]), soon())),
    );
    expect(results.map(result => result.applied)).toEqual([1, 2, 3]);
    expect(streams).toBe(1);
  });

  it('spreads batches over several streams, each with its own flow-control window', async () => {
    let streams = 0;
    const client = await serve(call => {
      streams += 1;
      call.on('data', ({ id }) => call.write({ id, response: answer(1) }));
    });
    const streamsOf = new IngestStreams(3);
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(n => streamsOf.send(client, Buffer.from([n]), soon())),
    );
    expect(results.map(result => result.applied)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(streams).toBe(3);
  });

  it('turns an error answer into the status and reason a unary call would fail with', async () => {
    const client = await serve(call => {
      call.on('data', ({ id }) =>
        call.write({
          id,
          errorCode: status.RESOURCE_EXHAUSTED,
          errorReason: 'BATCH_TOO_LARGE',
          errorMessage: 'too big',
        }),
      );
    });
    const error = (await new IngestStreams()
      .send(client, Buffer.from([1]), soon())
      .catch(e => e)) as ServiceError;
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toBe('too big');
    expect(error.metadata.get(REASON_METADATA_KEY)).toEqual(['BATCH_TOO_LARGE']);
  });

  it('fails the batches of a broken stream with UNAVAILABLE and opens a new one for the next', async () => {
    let streams = 0;
    const client = await serve(call => {
      streams += 1;
      const mine = streams;
      call.on('data', ({ id }) => {
        if (mine === 1) call.emit('error', { code: status.INTERNAL, details: 'ingest went away' });
        else call.write({ id, response: answer(7) });
      });
    });
    const streamsOf = new IngestStreams(1);
    const broken = (await streamsOf
      .send(client, Buffer.from([1]), soon())
      .catch(e => e)) as ServiceError;
    expect(broken.code).toBe(status.UNAVAILABLE);
    expect((await streamsOf.send(client, Buffer.from([2]), soon())).applied).toBe(7);
    expect(streams).toBe(2);
  });

  it('gives up on a batch at its deadline', async () => {
    const client = await serve(() => {});
    const error = (await new IngestStreams()
      .send(client, Buffer.from([1]), Date.now() + 50)
      .catch(e => e)) as ServiceError;
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
  });

  it('passes UNIMPLEMENTED through, so the caller can fall back to unary calls', async () => {
    const server = createGrpcServer();
    server.addService(protos.Ingest.service, {});
    const port = await bindServer(server, '127.0.0.1:0');
    const client = new protos.Ingest(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
      grpcChannelOptions(),
    );
    cleanups.push(() => {
      client.close();
      server.forceShutdown();
    });
    const error = (await new IngestStreams()
      .send(client, Buffer.from([1]), soon())
      .catch(e => e)) as ServiceError;
    expect(error.code).toBe(status.UNIMPLEMENTED);
  });
});
