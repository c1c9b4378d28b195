// Ingest with a real aggregator and a real Redis: what a batch does to the stored State.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials, status } from '@grpc/grpc-js';
import type {
  EventBatch,
  IngestClient,
  PostEventsResponse__Output,
  TabTypeName,
} from '@taba/common';
import {
  ALL_CLIENTS,
  createHandlerRegistry,
  loadTabaProtos,
  ManualClock,
  partitionOf,
  readStoredStates,
  stateFromStored,
} from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  connectIngest,
  deadlineIn,
  grpcErrorOf,
  TEST_CHANNEL_OPTIONS,
  unary,
} from '../../../test/support/grpc-client.js';
import { startInProcess, useCleanup } from '../../../test/support/in-process-service.js';
import { useFlushedRedisClient, useRedisServer } from '../../../test/support/redis-server.js';
import { loadConfig as loadAggregatorConfig } from '../../aggregator/src/config.js';
import { createAggregatorService } from '../../aggregator/src/server.js';
import { loadConfig } from './config.js';
import { createIngestService } from './server.js';

const onCleanup = useCleanup();
const redisServer = useRedisServer();
const redisClient = useFlushedRedisClient(redisServer);

const NOW = Math.floor(Date.now() / 1000);
const registry = createHandlerRegistry({ clock: new ManualClock(NOW + 1) });

async function startStack(ingestEnv: Record<string, string> = {}) {
  const aggregator = await startInProcess(
    { service: 'aggregator', loadConfig: loadAggregatorConfig, build: createAggregatorService },
    { TABA_REDIS_SHARDS: redisServer().url },
  );
  onCleanup(() => aggregator.running.stop());
  const ingest = await startInProcess(
    { service: 'ingest', loadConfig, build: createIngestService },
    {
      TABA_REDIS_SHARDS: redisServer().url,
      TABA_AGGREGATOR_ADDRESSES: aggregator.running.address,
      TABA_COMMIT_DEADLINE_MS: '2000',
      ...ingestEnv,
    },
  );
  onCleanup(() => ingest.running.stop());
  const client = connectIngest(ingest.running.address);
  onCleanup(() => client.close());
  return { aggregator, ingest, client };
}

function post(client: IngestClient, batch: EventBatch) {
  return unary<PostEventsResponse__Output>(callback =>
    client.ingest(batch, { deadline: deadlineIn(5000) }, callback),
  );
}

async function render(name: string, type: TabTypeName, client = ALL_CLIENTS) {
  const stored = await readStoredStates(
    redisClient(),
    partitionOf(name, 1024),
    name,
    type,
    [client],
    NOW + 1,
  );
  const handler = registry[type];
  const state = stateFromStored(
    handler,
    {},
    stored.get(client) ?? { hash: {}, buffer: [], registers: new Map() },
  );
  return handler.render(state, client === ALL_CLIENTS ? 'aggregate' : 'projection');
}

/** The ingest's GetStatus metrics. */
async function ingestMetrics(address: string): Promise<Record<string, number>> {
  const client = connectIngest(address);
  try {
    const reply = await unary<{ metrics: Record<string, number> }>(callback =>
      client.getStatus({}, { deadline: deadlineIn(5000) }, callback),
    );
    return reply.metrics;
  } finally {
    client.close();
  }
}

const counterBatch = (clientId: string, seq: number, values: number[]): EventBatch => ({
  clientId,
  seq,
  tabs: [{ name: 'bid.price', type: 'COUNTER_GROUP', values, timestamps: values.map(() => NOW) }],
});

describe('ingest with an aggregator on Redis', () => {
  it('applies a batch of several types and answers how many events it applied', async () => {
    const { client } = await startStack();
    const reply = await post(client, {
      clientId: 'bidder-1',
      seq: 1,
      sentAt: NOW,
      tabs: [
        { name: 'bid.price', values: [0.25, 0.5, 0.75] },
        { name: 'bid.count', type: 'TOTALS_COUNTER', values: [1, 1] },
        { name: 'service.state', type: 'GAUGE', strings: ['ok'] },
        { name: 'visitors', type: 'UNIQUE', strings: ['a', 'b', 'a'] },
      ],
    });
    expect(reply).toEqual({
      applied: 9,
      rejectedCount: 0,
      rejected: [],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    });
    expect((await render('bid.price', 'COUNTER_GROUP'))['1m']).toEqual({
      count: 3,
      total: 1.5,
      average: 0.5,
    });
    expect(await render('bid.count', 'TOTALS_COUNTER')).toEqual({ count: 2, total: 2, average: 1 });
    expect(await render('service.state', 'GAUGE')).toEqual({ values: { ok: 1 } });
    expect((await render('visitors', 'UNIQUE')).lifetime).toEqual({ distinct: 2 });
  });

  it('applies a resent (client, seq) once and says it was a duplicate; a lower seq is refused and counted', async () => {
    const { client, ingest } = await startStack();
    const batch = counterBatch('bidder-2', 10, [1, 2, 3]);
    expect(await post(client, batch)).toMatchObject({ applied: 3, duplicate: false });
    expect(await post(client, batch)).toMatchObject({ applied: 3, duplicate: true });
    const regression = await grpcErrorOf(post(client, { ...batch, seq: 9 }));
    expect(regression.code).toBe(status.FAILED_PRECONDITION);
    expect(regression.metadata.get('taba-reason')).toEqual(['SEQ_REGRESSION']);
    expect(regression.details).toBe(
      `seq 9 of client "bidder-2" (session 0) is below the client's mark (session 0, seq 10): each batch needs a higher seq than the last; resending the last one is a duplicate (refused on 1 of the batch's partitions)`,
    );
    expect(await post(client, counterBatch('bidder-2', 11, [4]))).toMatchObject({
      applied: 1,
      duplicate: false,
    });
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({
      count: 4,
      total: 10,
    });
    expect(
      (await ingestMetrics(ingest.running.address))['ingest.batches_refused.SEQ_REGRESSION'],
    ).toBe(1);
  });

  it('applies the rest of a batch resent after a partial commit: the applied part is a duplicate', async () => {
    const { client } = await startStack();
    const tab = (name: string, values: number[]) => ({
      name,
      type: 'COUNTER_GROUP' as const,
      values,
      timestamps: values.map(() => NOW),
    });
    expect(partitionOf('part.a', 1024)).not.toBe(partitionOf('part.b', 1024));
    // As if the first attempt of seq 5 reached only part.a's partition.
    await post(client, { clientId: 'split', seq: 5, tabs: [tab('part.a', [1, 2])] });
    const whole = { clientId: 'split', seq: 5, tabs: [tab('part.a', [1, 2]), tab('part.b', [3])] };
    expect(await post(client, whole)).toMatchObject({ applied: 3, duplicate: false });
    expect(await post(client, whole)).toMatchObject({ applied: 3, duplicate: true });
    expect((await render('part.a', 'COUNTER_GROUP')).lifetime).toMatchObject({
      count: 2,
      total: 3,
    });
    expect((await render('part.b', 'COUNTER_GROUP')).lifetime).toMatchObject({
      count: 1,
      total: 3,
    });
  });

  it('lets a newer session take a client ID over, fences the older one, and says so to both', async () => {
    const { client, ingest } = await startStack();
    const older = NOW * 1e6;
    const newer = older + 1;
    expect(
      await post(client, { ...counterBatch('shared', 500, [1]), session: older }),
    ).toMatchObject({ applied: 1, fencedOlderSession: false });
    expect(await post(client, { ...counterBatch('shared', 7, [2]), session: newer })).toMatchObject(
      {
        applied: 1,
        fencedOlderSession: true,
        fencedSession: older,
      },
    );
    const fenced = await grpcErrorOf(
      post(client, { ...counterBatch('shared', 501, [100]), session: older }),
    );
    expect(fenced.code).toBe(status.FAILED_PRECONDITION);
    expect(fenced.metadata.get('taba-reason')).toEqual(['SESSION_FENCED']);
    expect(fenced.details).toContain(`session ${older} of client "shared" is fenced`);
    expect(await post(client, { ...counterBatch('shared', 8, [3]), session: newer })).toMatchObject(
      {
        applied: 1,
        fencedOlderSession: false,
      },
    );
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({
      count: 3,
      total: 6,
    });
    const metrics = await ingestMetrics(ingest.running.address);
    expect(metrics['ingest.batches_refused.SESSION_FENCED']).toBe(1);
    expect(metrics['ingest.older_sessions_fenced']).toBe(1);
  });

  it('refuses a seq above 2^53 - 1 and a session that starts in the future', async () => {
    const { client } = await startStack();
    const seq = await grpcErrorOf(post(client, counterBatch('s', 2 ** 60, [1])));
    expect(seq.code).toBe(status.INVALID_ARGUMENT);
    expect(seq.metadata.get('taba-reason')).toEqual(['INVALID_SEQ']);
    const session = await grpcErrorOf(
      post(client, { ...counterBatch('s', 1, [1]), session: (NOW + 3600) * 1e6 }),
    );
    expect(session.code).toBe(status.INVALID_ARGUMENT);
    expect(session.metadata.get('taba-reason')).toEqual(['INVALID_SESSION']);
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({ count: 0 });
  });

  it('lists refused events with their batch position and reason, and counts them', async () => {
    const { client } = await startStack();
    await post(client, { clientId: 'a', tabs: [{ name: 'cpu', type: 'GAUGE', strings: ['hot'] }] });
    const reply = await post(client, {
      clientId: 'b',
      sentAt: NOW,
      tabs: [
        { name: 'bid.price', values: [1, Number.NaN] },
        { name: 'cpu', type: 'COUNTER_GROUP', values: [3] },
        { name: 'late', values: [1], timestamps: [NOW - 90_000] },
      ],
    });
    expect(reply.applied).toBe(1);
    expect(reply.rejectedCount).toBe(3);
    expect(reply.rejected).toEqual([
      {
        index: 1,
        tab: 0,
        event: 1,
        code: 'INVALID_VALUE',
        reason: 'value NaN is not a finite number',
        batch: 0,
      },
      {
        index: 2,
        tab: 1,
        event: 0,
        code: 'TYPE_CONFLICT',
        reason: 'Tab "cpu" is a Gauge; these events are a CounterGroup',
        batch: 0,
      },
      {
        index: 3,
        tab: 2,
        event: 0,
        code: 'LATE',
        reason: expect.stringMatching(
          new RegExp(`^timestamp ${NOW - 90_000} is 900\\d\\ds old; the limit is 86400s$`),
        ),
        batch: 0,
      },
    ]);
  });

  it('caps the listed rejections but counts them all', async () => {
    const { client } = await startStack({ TABA_MAX_LISTED_REJECTIONS: '2' });
    const reply = await post(client, {
      clientId: 'a',
      tabs: [{ name: 'x', values: [1, Number.NaN, Number.NaN, Number.NaN] }],
    });
    expect(reply.applied).toBe(1);
    expect(reply.rejectedCount).toBe(3);
    expect(reply.rejected).toHaveLength(2);
  });

  it('refuses malformed bytes, a bad client ID and an oversized batch, and keeps serving', async () => {
    const { client, ingest } = await startStack({ TABA_MAX_BATCH_EVENTS: '5' });
    const raw = new Client(
      ingest.running.address,
      credentials.createInsecure(),
      TEST_CHANNEL_OPTIONS,
    );
    onCleanup(() => raw.close());
    const garbage = await grpcErrorOf(
      unary<Buffer>(callback =>
        raw.makeUnaryRequest(
          '/taba.internal.v1.Ingest/Ingest',
          (value: Buffer) => value,
          (value: Buffer) => value,
          Buffer.from([0x22, 0x05, 0x1a, 0x09]),
          { deadline: deadlineIn() },
          callback,
        ),
      ),
    );
    expect(garbage.code).toBe(status.INVALID_ARGUMENT);
    expect(garbage.details).toMatch(/^the batch is not a valid taba.v1.EventBatch/);
    const badClient = await grpcErrorOf(post(client, counterBatch('a b', 1, [1])));
    expect(badClient.code).toBe(status.INVALID_ARGUMENT);
    const tooBig = await grpcErrorOf(post(client, counterBatch('c', 1, [1, 2, 3, 4, 5, 6])));
    expect(tooBig.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(tooBig.details).toBe('the batch has 6 events; the limit is 5 (TABA_MAX_BATCH_EVENTS)');
    expect(await post(client, counterBatch('c', 1, [1]))).toMatchObject({ applied: 1 });
  });

  it('refuses batches beyond its in-flight bytes with RESOURCE_EXHAUSTED (OVERLOADED), then serves again', async () => {
    const { client } = await startStack({ TABA_INGEST_MAX_INFLIGHT_BYTES: '1024' });
    const values = Array.from({ length: 60 }, (_, i) => i);
    // Commits wait while Redis refuses writes: the first batch stays in flight.
    await redisClient().client('PAUSE', 1000, 'WRITE');
    const first = post(client, counterBatch('p1', 1, values));
    await new Promise(resolve => setTimeout(resolve, 100));
    const refused: ServiceError = await grpcErrorOf(post(client, counterBatch('p2', 1, values)));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.metadata.get('taba-reason')).toEqual(['OVERLOADED']);
    expect(refused.details).toContain('TABA_INGEST_MAX_INFLIGHT_BYTES');
    await redisClient().client('UNPAUSE');
    expect(await first).toMatchObject({ applied: 60 });
    expect(await post(client, counterBatch('p2', 1, values))).toMatchObject({ applied: 60 });
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({ count: 120 });
  });

  it('refuses a batch whose wait behind the batches in flight would pass TABA_INGEST_MAX_QUEUE_MS, then serves again', async () => {
    const { client, ingest } = await startStack({ TABA_INGEST_MAX_QUEUE_MS: '1' });
    const values = Array.from({ length: 60 }, (_, i) => i);
    await redisClient().client('PAUSE', 1000, 'WRITE');
    const first = post(client, counterBatch('q1', 1, values));
    await new Promise(resolve => setTimeout(resolve, 100));
    // ~1 KB in flight at the assumed 0.002 ms a byte, before any rate is measured: over 1 ms.
    const refused: ServiceError = await grpcErrorOf(post(client, counterBatch('q2', 1, values)));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.metadata.get('taba-reason')).toEqual(['OVERLOADED']);
    expect(refused.details).toMatch(
      /^overloaded: the batches ahead of this one would take \d+ ms, over 1 ms \(TABA_INGEST_MAX_QUEUE_MS 1, or half the call's remaining deadline\); retry with backoff$/,
    );
    await redisClient().client('UNPAUSE');
    expect(await first).toMatchObject({ applied: 60 });
    expect(await post(client, counterBatch('q2', 1, values))).toMatchObject({ applied: 60 });
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({ count: 120 });
    const metrics = await ingestMetrics(ingest.running.address);
    expect(metrics['ingest.admission_refused']).toBe(1);
    expect(metrics['refused.OVERLOADED']).toBe(1);
  });

  it('fails with UNAVAILABLE while no aggregator answers, applying nothing', async () => {
    const { client, aggregator } = await startStack({ TABA_COMMIT_ATTEMPTS: '2' });
    await aggregator.running.stop();
    const error: ServiceError = await grpcErrorOf(post(client, counterBatch('d', 1, [5])));
    expect(error.code).toBe(status.UNAVAILABLE);
    expect((await render('bid.price', 'COUNTER_GROUP')).lifetime).toMatchObject({ count: 0 });
  });
});

// The proto loader must be warm before the first test's deadline starts.
loadTabaProtos();
