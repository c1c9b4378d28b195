import { ALL_CLIENTS, encodeTabOps, isTabaError, readCell, redisKeys } from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/support/poll.js';
import type { RedisServer } from '../../../test/support/redis-server.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import type { CommitPart } from './redis/commit-args.js';
import { defineCommitScript } from './redis/commit-script.js';
import { commitToShard } from './shard-commit.js';

const ops = { hash: ['i', 'lc', '3', 'f', 'lt', '1.5'] };
const part = (seq: number): CommitPart => ({
  partition: 4,
  client: 'c1',
  seq,
  tabs: [{ name: 't', spec: 'TOTALS_COUNTER', delta: encodeTabOps(ops) }],
});
const count = async (redis: Redis, client: string) => {
  const value = await redis.getBuffer(redisKeys.cell(4, 't', client));
  return value ? Number(readCell(value, Date.now() / 1000).hash.lc) : 0;
};

let primary: RedisServer;
let replica: RedisServer;
let redis: Redis;

beforeAll(async () => {
  primary = await startRedisServer({ extraArgs: ['--repl-diskless-sync-delay', '0'] });
  replica = await startRedisServer({
    extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)],
  });
  redis = new Redis(primary.url);
  defineCommitScript(redis);
  await pollUntil(
    async () => ((await redis.info('replication')).includes('state=online') ? true : undefined),
    { what: 'the replica to sync', timeoutMs: 10_000 },
  );
});
afterAll(async () => {
  await redis?.quit();
  await replica?.stop();
  await primary?.stop();
});

describe('commitToShard', () => {
  it('acknowledges once the replica confirms, in the same pipeline as the script', async () => {
    const { outcomes } = await commitToShard(redis, [part(1)], Date.now(), {
      waitReplicas: 1,
      waitTimeoutMs: 2000,
    });
    expect(outcomes).toEqual([
      { status: 'applied', mark: { session: 0, seq: 0 }, conflicts: new Map() },
    ]);
    const copy = new Redis(replica.url);
    try {
      expect(await count(copy, 'c1')).toBe(3);
      expect(await count(copy, ALL_CLIENTS)).toBe(3);
    } finally {
      copy.disconnect();
    }
  });

  it('fails UNAVAILABLE when too few replicas confirm; the retry is a duplicate', async () => {
    const error = await commitToShard(redis, [part(2)], Date.now(), {
      waitReplicas: 2,
      waitTimeoutMs: 100,
    }).catch((caught: unknown) => caught);
    expect(isTabaError(error) && [error.kind, error.reason]).toEqual([
      'UNAVAILABLE',
      'REPLICATION_TIMEOUT',
    ]);
    // Applied all the same: the client's retry must not count it twice.
    expect(await count(redis, 'c1')).toBe(6);
    const retry = await commitToShard(redis, [part(2)], Date.now(), {
      waitReplicas: 1,
      waitTimeoutMs: 2000,
    });
    expect(retry.outcomes[0]?.status).toBe('duplicate');
    expect(await count(redis, 'c1')).toBe(6);
  });

  it('turns a Redis failure into UNAVAILABLE (REDIS_UNAVAILABLE)', async () => {
    const closed = new Redis(primary.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    closed.on('error', () => {});
    defineCommitScript(closed);
    closed.disconnect();
    const error = await commitToShard(closed, [part(3)], Date.now(), {
      waitReplicas: 0,
      waitTimeoutMs: 100,
    }).catch((caught: unknown) => caught);
    expect(isTabaError(error) && [error.kind, error.reason]).toEqual([
      'UNAVAILABLE',
      'REDIS_UNAVAILABLE',
    ]);
  });
});
