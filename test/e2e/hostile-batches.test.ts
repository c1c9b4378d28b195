// Hostile EventBatches against an ingest process: decoding is linear whatever the layout, so a
// column of 40,000 unpacked doubles is decoded (and here refused by TABA_MAX_BATCH_EVENTS) in
// well under 100 ms while status keeps answering; strings that are not UTF-8 and messages past
// TABA_MAX_MESSAGE_BYTES are refused with a reason; status counts every refusal.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import type { IngestClient, InstanceStatus__Output } from '@taba/common';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIngest, deadlineIn, unary } from '../support/grpc-client.js';
import { useRedisServer } from '../support/redis-server.js';
import type { ServiceProcess } from '../support/service-process.js';
import { startServiceProcess } from '../support/service-process.js';

const MAX_BATCH_EVENTS = 10_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;
const redis = useRedisServer();
let ingest: ServiceProcess;
let raw: Client;
let statusClient: IngestClient;

beforeAll(async () => {
  ingest = await startServiceProcess({
    service: 'ingest',
    env: {
      TABA_REDIS_SHARDS: redis().url,
      TABA_MAX_BATCH_EVENTS: String(MAX_BATCH_EVENTS),
      TABA_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      TABA_LOG_LEVEL: 'warn',
    },
  });
  raw = new Client(ingest.address, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  });
  statusClient = connectIngest(ingest.address);
}, 60_000);

afterAll(async () => {
  raw?.close();
  statusClient?.close();
  await ingest?.stop();
});

/** The batch bytes as Ingest takes them, and the error it answers. */
function ingestRaw(bytes: Uint8Array): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    raw.makeUnaryRequest(
      '/taba.internal.v1.Ingest/Ingest',
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.from(bytes),
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      error => (error ? resolve(error) : reject(new Error('the batch was accepted'))),
    );
  });
}

function ingestStatus(): Promise<InstanceStatus__Output> {
  return unary<InstanceStatus__Output>(callback =>
    statusClient.getStatus({}, { deadline: deadlineIn(5000) }, callback),
  );
}

/** One COUNTER_GROUP column of `count` doubles, each its own unpacked field (9 bytes each). */
function unpackedColumn(clientId: string, count: number): Uint8Array {
  const column = protobuf.Writer.create();
  column.uint32((1 << 3) | 2).string('hostile.unpacked');
  column.uint32((2 << 3) | 0).int32(1);
  for (let i = 0; i < count; i += 1) column.uint32((4 << 3) | 1).double(1);
  const batch = protobuf.Writer.create();
  batch.uint32((1 << 3) | 2).string(clientId);
  batch.uint32((4 << 3) | 2).bytes(column.finish());
  return batch.finish();
}

describe('hostile batches against an ingest process', () => {
  it('decodes a column of 40,000 unpacked doubles and refuses it in under 100 ms while status answers', async () => {
    // Warm-up: the first calls pay for connecting and compiling, not decoding.
    await Promise.all([ingestRaw(unpackedColumn('warm-up', MAX_BATCH_EVENTS + 1)), ingestStatus()]);
    const bytes = unpackedColumn('hostile-unpacked', 40_000);
    expect(bytes.length).toBeGreaterThan(360_000);
    // The fastest of a few tries: the bound is about decoding (seconds before the fix), not
    // about how busy the machine running the tests is.
    const times: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const started = performance.now();
      const refused = ingestRaw(bytes).then(error => ({ error, ms: performance.now() - started }));
      const [{ error, ms }, statusAnswer] = await Promise.all([refused, ingestStatus()]);
      times.push(ms);
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.metadata.get('taba-reason')).toEqual(['BATCH_TOO_LARGE']);
      expect(error.details).toBe(
        `the batch has 40000 events; the limit is ${MAX_BATCH_EVENTS} (TABA_MAX_BATCH_EVENTS)`,
      );
      expect(statusAnswer.service).toBe('ingest');
    }
    expect(Math.min(...times)).toBeLessThan(100);
  });

  it('refuses a client ID that is not UTF-8 with INVALID_ENCODING, never a U+FFFD', async () => {
    const batch = protobuf.Writer.create();
    batch.uint32((1 << 3) | 2).bytes(Uint8Array.of(0x67, 0x72, 0xfc, 0x6e));
    const error = await ingestRaw(batch.finish());
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.metadata.get('taba-reason')).toEqual(['INVALID_ENCODING']);
    expect(error.details).toBe('the client ID is not valid UTF-8: protobuf strings must be UTF-8');
  });

  it('refuses a message past TABA_MAX_MESSAGE_BYTES from its length, before decoding it', async () => {
    const bytes = unpackedColumn('hostile-huge', 120_000);
    const error = await ingestRaw(bytes);
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('taba-reason')).toEqual(['MESSAGE_TOO_LARGE']);
    expect(error.details).toBe(
      `a message of ${bytes.length} bytes is larger than the limit of ${MAX_MESSAGE_BYTES} bytes (TABA_MAX_MESSAGE_BYTES); send smaller batches`,
    );
  });

  it('counts each refusal in status by reason', async () => {
    const { metrics } = await ingestStatus();
    expect({
      BATCH_TOO_LARGE: metrics['refused.BATCH_TOO_LARGE'],
      INVALID_ENCODING: metrics['refused.INVALID_ENCODING'],
      MESSAGE_TOO_LARGE: metrics['refused.MESSAGE_TOO_LARGE'],
    }).toEqual({ BATCH_TOO_LARGE: 6, INVALID_ENCODING: 1, MESSAGE_TOO_LARGE: 1 });
  });
});
