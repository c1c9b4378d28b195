// The cardinality report through the whole stack as child processes: gRPC GetCardinality, REST
// GET /v1/cardinality and `taba cardinality` give the same exact counts and top lists, and a
// request past TABA_CARDINALITY_TOP_MAX is refused with a reason. Then the widest Tab it shows,
// 20,000 clients, is deleted over REST and nothing of it is left.
import { status } from '@grpc/grpc-js';
import type { CardinalityResponse__Output } from '@taba/common';
import {
  encodeTabOps,
  parseRedisTargets,
  partitionOf,
  RedisShards,
  redisKeys,
  typeSpec,
} from '@taba/common';
import type { CommitPart } from '../../services/aggregator/src/redis/commit-args.js';
import {
  defineCommitScript,
  runCommit,
} from '../../services/aggregator/src/redis/commit-script.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/taba-cli.js';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { deadlineIn, grpcErrorOf, unary } from '../support/grpc-client.js';

const { stack, grpc } = useGatewayStack({
  redisShards: 2,
  env: { TABA_CARDINALITY_TOP_MAX: '50' },
});

const WRITES: Record<string, string[]> = {
  'r-1': ['r.a', 'r.b', 'r.c'],
  'r-2': ['r.a', 'r.b'],
  'r-3': ['r.a'],
};

beforeAll(async () => {
  for (const [clientId, names] of Object.entries(WRITES)) {
    await postBatch(
      grpc(),
      { clientId, seq: 1, tabs: names.map(name => ({ name, values: [1] })) },
      10_000,
    );
  }
});

const EXPECTED = {
  tabs: 3,
  clients: 3,
  states: 6,
  topTabs: [
    { name: 'r.a', clients: 3 },
    { name: 'r.b', clients: 2 },
  ],
  topClients: [
    { client: 'r-1', tabs: 3 },
    { client: 'r-2', tabs: 2 },
  ],
};

describe('the cardinality report', () => {
  it('answers GetCardinality with exact counts, most first', async () => {
    const reply = await unary<CardinalityResponse__Output>(callback =>
      grpc().getCardinality({ top: 2 }, { deadline: deadlineIn(10_000) }, callback),
    );
    expect(reply).toEqual({
      tabs: 3,
      clients: 3,
      states: 6,
      topTabs: EXPECTED.topTabs,
      topClients: EXPECTED.topClients.map(({ client, tabs }) => ({ clientId: client, tabs })),
    });
  });

  it('lists 20 of each by default, all there are here', async () => {
    const reply = await unary<CardinalityResponse__Output>(callback =>
      grpc().getCardinality({}, { deadline: deadlineIn(10_000) }, callback),
    );
    expect([reply.topTabs.length, reply.topClients.length]).toEqual([3, 3]);
  });

  it('refuses more than TABA_CARDINALITY_TOP_MAX with INVALID_ARGUMENT (TOP_TOO_LARGE)', async () => {
    const error = await grpcErrorOf(
      unary(callback =>
        grpc().getCardinality({ top: 51 }, { deadline: deadlineIn(10_000) }, callback),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.metadata.get('taba-reason')).toEqual(['TOP_TOO_LARGE']);
  });

  it('serves the same over REST, and 400 for a bad top', async () => {
    const response = await fetch(`${stack().restUrl}/v1/cardinality?top=2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(EXPECTED);
    const bad = await fetch(`${stack().restUrl}/v1/cardinality?top=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { reason: string } }).error.reason).toBe(
      'INVALID_PARAMETER',
    );
    const tooMany = await fetch(`${stack().restUrl}/v1/cardinality?top=51`);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { reason: string } }).error.reason).toBe(
      'TOP_TOO_LARGE',
    );
  });

  it('prints it from the CLI, as JSON and as text', async () => {
    const gateway = ['--gateway', stack().grpcAddress];
    const asJson = await runInProcess(['cardinality', '--top', '2', ...gateway]);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual(EXPECTED);
    const asText = await runInProcess(['cardinality', '--top', '2', '--text', ...gateway]);
    expect(asText.stdout).toBe(
      'tabs=3 clients=3 states=6\ntab r.a 3\ntab r.b 2\nclient r-1 3\nclient r-2 2\n',
    );
  });
});

describe('a Tab of 20,000 clients', () => {
  const WIDE = 'r.wide';
  const CLIENTS = 20_000;

  /** Seeds the Tab through the commit script on the shard that holds its partition. */
  async function seedWideTab(): Promise<RedisShards> {
    const partitions = 1024;
    const shards = new RedisShards(
      parseRedisTargets('TABA_REDIS_SHARDS', stack().env.TABA_REDIS_SHARDS ?? ''),
      { partitionCount: partitions },
    );
    const partition = partitionOf(WIDE, partitions);
    const redis = shards.forPartition(partition);
    defineCommitScript(redis);
    const delta = encodeTabOps({ hash: ['i', 'lc', '1', 'f', 'lt', '1'] });
    const parts: CommitPart[] = Array.from({ length: CLIENTS }, (_, i) => ({
      partition,
      client: `w-${i}`,
      seq: 0,
      tabs: [{ name: WIDE, spec: typeSpec('TOTALS_COUNTER'), delta }],
    }));
    for (let at = 0; at < parts.length; at += 2000) {
      await runCommit(redis, parts.slice(at, at + 2000), Date.now());
    }
    return shards;
  }

  it('is the top Tab of the report, is deleted over REST, and nothing of it is left', async () => {
    const shards = await seedWideTab();
    try {
      const before = await fetch(`${stack().restUrl}/v1/cardinality?top=1`);
      expect(await before.json()).toEqual({
        tabs: 4,
        clients: 3 + CLIENTS,
        states: 6 + CLIENTS,
        topTabs: [{ name: WIDE, clients: CLIENTS }],
        topClients: [{ client: 'r-1', tabs: 3 }],
      });
      const deleted = await fetch(`${stack().restUrl}/v1/tabs?name=${WIDE}`, { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ deleted: [WIDE] });

      const read = await fetch(`${stack().restUrl}/v1/tabs?name=${WIDE}`);
      expect(read.status).toBe(404);
      const redis = shards.forPartition(partitionOf(WIDE, 1024));
      expect(await redis.keys(`*${WIDE}*`)).toEqual([]);
      expect(await redis.exists(redisKeys.tabsOfClient(partitionOf(WIDE, 1024), 'w-0'))).toBe(0);
      const after = await fetch(`${stack().restUrl}/v1/cardinality?top=1`);
      expect(await after.json()).toMatchObject({ tabs: 3, clients: 3, states: 6 });
    } finally {
      await shards.close();
    }
  });
});
