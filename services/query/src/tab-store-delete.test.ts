import { encodeTabOps, partitionOf, RedisShards, redisKeys, typeSpec } from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../test/support/redis-server.js';
import type { CommitPart } from '../../aggregator/src/redis/commit-args.js';
import { defineCommitScript, runCommit } from '../../aggregator/src/redis/commit-script.js';
import { TabStore } from './tab-store.js';

const PARTITIONS = 16;
const server = useRedisServer();
let redis: Redis;
let shards: RedisShards;

beforeAll(() => {
  redis = new Redis(server().url);
  defineCommitScript(redis);
  shards = new RedisShards([server().url], { partitionCount: PARTITIONS });
});
afterAll(async () => {
  await shards.close();
  await redis.quit();
});

/** One event of a TotalsCounter Tab from each of `count` clients, through the commit script. */
async function writeClients(name: string, count: number): Promise<void> {
  const delta = encodeTabOps({ hash: ['i', 'lc', '1', 'f', 'lt', '1'] });
  const parts: CommitPart[] = Array.from({ length: count }, (_, i) => ({
    partition: partitionOf(name, PARTITIONS),
    client: `client-${i}`,
    seq: 0,
    tabs: [{ name, spec: typeSpec('TOTALS_COUNTER'), delta }],
  }));
  for (let at = 0; at < parts.length; at += 2000) {
    await runCommit(redis, parts.slice(at, at + 2000), Date.now());
  }
}

describe('deleting a Tab with many clients', () => {
  it.each([20_000, 60_000])(
    'deletes a Tab of %i clients and every key of it; the partition keeps its other Tab',
    async clients => {
      const name = 'wide.tab';
      const partition = partitionOf(name, PARTITIONS);
      await writeClients(name, clients);
      expect(await redis.scard(redisKeys.clients(partition, name))).toBe(clients);
      // Another Tab of the same partition, which must survive.
      let other = 'other.0';
      for (let i = 1; partitionOf(other, PARTITIONS) !== partition; i += 1) other = `other.${i}`;
      await writeClients(other, 2);

      const store = new TabStore(shards, PARTITIONS);
      expect(await store.deleteTabs([{ name, partition, type: 'TOTALS_COUNTER' }])).toEqual([name]);

      expect(await redis.hget(redisKeys.types(partition), name)).toBeNull();
      expect(await redis.exists(redisKeys.clients(partition, name))).toBe(0);
      const left = await redis.keys(
        `${redisKeys.partitionPattern(partition).slice(0, -1)}*${name}*`,
      );
      expect(left).toEqual([]);
      expect(await redis.sismember(redisKeys.tabsOfClient(partition, 'client-0'), other)).toBe(1);
      expect(await redis.exists(redisKeys.tabsOfClient(partition, `client-${clients - 1}`))).toBe(
        0,
      );
      expect(await redis.hget(redisKeys.types(partition), other)).toBe('TOTALS_COUNTER');
      expect(await redis.scard(redisKeys.clients(partition, other))).toBe(2);
    },
  );
});
