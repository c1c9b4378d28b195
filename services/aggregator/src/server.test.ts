import { status } from '@grpc/grpc-js';
import type {
  AggregatorClient,
  CommitRequest,
  CommitResponse__Output,
  InstanceStatus__Output,
} from '@taba/common';
import {
  ALL_CLIENTS,
  columnsOf,
  createHandlerRegistry,
  encodeTabOps,
  ManualClock,
  partitionOf,
  readCell,
  redisKeys,
  stateToOps,
} from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  connectAggregator,
  deadlineIn,
  grpcErrorOf,
  unary,
} from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import { startInProcess, useCleanup } from '../../../test/support/in-process-service.js';
import { useFlushedRedisClient, useRedisServer } from '../../../test/support/redis-server.js';
import { itServesTheBasics } from '../../../test/support/service-basics.js';
import { loadConfig } from './config.js';
import { AGGREGATOR_GRPC_SERVICE, createAggregatorService } from './server.js';

const onCleanup = useCleanup();

const redisServer = useRedisServer();
const redisClient = useFlushedRedisClient(redisServer);

const NOW = Math.floor(Date.now() / 1000);
const NAME = 'bid.price';
const PARTITION = partitionOf(NAME, 1024);
const registry = createHandlerRegistry({ clock: new ManualClock(NOW) });

/** A part carrying one CounterGroup Delta of the given values. */
function counterPart(clientId: string, seq: number, values: number[]) {
  const handler = registry.COUNTER_GROUP;
  const delta = handler.fold(
    handler.create({}),
    columnsOf(values.map(value => ({ timestamp: NOW, value }))),
    {
      clientId,
    },
  );
  const ops = stateToOps('COUNTER_GROUP', delta, {
    client: clientId,
    uniqPrefix: String(seq),
    bufferCapacity: 1000,
  });
  return {
    partition: PARTITION,
    clientId,
    seq,
    tabs: [
      {
        name: NAME,
        type: 'COUNTER_GROUP' as const,
        delta: encodeTabOps(ops),
        events: values.length,
      },
    ],
  };
}

function commit(client: AggregatorClient, request: CommitRequest): Promise<CommitResponse__Output> {
  return unary<CommitResponse__Output>(callback =>
    client.commit(request, { deadline: deadlineIn() }, callback),
  );
}

async function lifetime() {
  const value = await redisClient().getBuffer(redisKeys.cell(PARTITION, NAME, ALL_CLIENTS));
  const { hash } = value
    ? readCell(value, Date.now() / 1000)
    : { hash: {} as Record<string, string> };
  return { count: Number(hash.lc ?? 0), total: Number(hash.lt ?? 0) };
}

async function startAggregator() {
  const service = await startInProcess(
    {
      service: 'aggregator',
      loadConfig,
      build: createAggregatorService,
    },
    { TABA_REDIS_SHARDS: redisServer().url },
  );
  onCleanup(() => service.running.stop());
  return service.running;
}

function healthClient(address: string) {
  const client = createHealthClient(address);
  onCleanup(() => client.close());
  return client;
}

function aggregatorClient(address: string) {
  const client = connectAggregator(address);
  onCleanup(() => client.close());
  return client;
}

describe('aggregator server', () => {
  itServesTheBasics({
    service: 'aggregator',
    grpcService: AGGREGATOR_GRPC_SERVICE,
    start: startAggregator,
    health: healthClient,
    getStatus: address =>
      unary<InstanceStatus__Output>(callback =>
        aggregatorClient(address).getStatus({}, { deadline: deadlineIn() }, callback),
      ),
  });

  /** A PartResult of a fresh part of a client with no mark yet. */
  const APPLIED = {
    duplicate: false,
    conflicts: [],
    refused: '',
    markSession: 0,
    markSeq: 0,
    refusedTabs: [],
  };

  it('commits a part once: the answer counts its events, a resend is a duplicate', async () => {
    const running = await startAggregator();
    const client = aggregatorClient(running.address);
    const request = { parts: [counterPart('c1', 4, [1, 2, 3])] };

    const first = await commit(client, request);
    expect(first.results).toEqual([{ ...APPLIED, partition: PARTITION, events: 3 }]);
    const again = await commit(client, request);
    expect(again.results).toEqual([
      { ...APPLIED, partition: PARTITION, duplicate: true, events: 0, markSeq: 4 },
    ]);
    expect(await lifetime()).toEqual({ count: 3, total: 6 });
  });

  it('reports a Tab of another type as a conflict and applies the rest of the part', async () => {
    const running = await startAggregator();
    const client = aggregatorClient(running.address);
    await commit(client, { parts: [counterPart('c1', 1, [5])] });
    const gauge = registry.GAUGE;
    const delta = gauge.fold(gauge.create({}), columnsOf([{ timestamp: NOW, value: 'up' }]), {
      clientId: 'c2',
    });
    const ops = stateToOps('GAUGE', delta, { client: 'c2', uniqPrefix: '1', bufferCapacity: 1000 });
    const reply = await commit(client, {
      parts: [
        {
          partition: PARTITION,
          clientId: 'c2',
          seq: 1,
          tabs: [
            { name: NAME, type: 'GAUGE', delta: encodeTabOps(ops), events: 1 },
            { name: 'service.state', type: 'GAUGE', delta: encodeTabOps(ops), events: 1 },
          ],
        },
      ],
    });
    expect(reply.results[0]?.conflicts).toEqual([{ name: NAME, storedType: 'COUNTER_GROUP' }]);
    expect(reply.results[0]?.events).toBe(1);
    expect(await redisClient().hget(redisKeys.types(PARTITION), 'service.state')).toBe('GAUGE');
    expect(await lifetime()).toEqual({ count: 1, total: 5 });
  });

  it('refuses malformed requests with INVALID_ARGUMENT and keeps serving', async () => {
    const running = await startAggregator();
    const client = aggregatorClient(running.address);
    const good = counterPart('c1', 1, [1]);
    const badDelta = { ...good, tabs: [{ ...good.tabs[0], delta: Buffer.from('{not json') }] };
    const badPartition = { ...good, partition: 4096 };
    const badClient = { ...good, clientId: 'a b' };
    // A binary Delta claiming 2^28 ops in 5 bytes, and a good one cut short: refused before
    // anything is allocated for them or queued.
    const hugeCount = {
      ...good,
      tabs: [{ ...good.tabs[0], delta: Buffer.from([1, 0xff, 0xff, 0xff, 0x7f]) }],
    };
    const goodDelta = good.tabs[0]?.delta as Buffer;
    const cutShort = {
      ...good,
      tabs: [{ ...good.tabs[0], delta: goodDelta.subarray(0, goodDelta.length - 1) }],
    };
    for (const part of [badDelta, hugeCount, cutShort, badPartition, badClient]) {
      const error = await grpcErrorOf(commit(client, { parts: [part] }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
    }
    for (const part of [badDelta, hugeCount, cutShort]) {
      const error = await grpcErrorOf(commit(client, { parts: [part] }));
      expect(error.details).toMatch(/^delta is malformed: /);
    }
    expect((await grpcErrorOf(commit(client, { parts: [badPartition] }))).details).toBe(
      'part 0: partition 4096 is outside 0..1023',
    );
    expect(await lifetime()).toEqual({ count: 0, total: 0 });
    expect(await healthClient(running.address).check('')).toBe('SERVING');
  });

  it('loses no update when two aggregators commit the same partition at once', async () => {
    const [a, b] = await Promise.all([startAggregator(), startAggregator()]);
    const clients = [aggregatorClient(a.address), aggregatorClient(b.address)];
    const writers = Array.from({ length: 8 }, (_, w) => `writer-${w}`);
    // Each writer sends 25 batches of 4 events (value 1), alternating aggregators.
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let seq = 1; seq <= 25; seq += 1) {
          const client = clients[(seq + w) % 2];
          if (client) await commit(client, { parts: [counterPart(writer, seq, [1, 1, 1, 1])] });
        }
      }),
    );
    expect(await lifetime()).toEqual({ count: 800, total: 800 });
  });
});
