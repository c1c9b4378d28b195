import {
  connectRedis,
  FailoverSafeSentinelConnector,
  parseRedisTarget,
  parseRedisTargets,
} from '@taba/common';
import type { Result } from 'ioredis';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.js';
import type { RedisCluster } from '../support/redis-cluster.js';
import { startRedisCluster } from '../support/redis-cluster.js';
import type { SentinelShard } from '../support/redis-sentinel.js';
import { startSentinelShard } from '../support/redis-sentinel.js';
import { useRedisServer } from '../support/redis-server.js';

/** Adds two numbers stored under one hash tag; the shape of the group commit's one Lua call. */
const SUM_SCRIPT = `return tonumber(redis.call('GET', KEYS[1])) + tonumber(redis.call('GET', KEYS[2]))`;

/** The port of the server a connection talks to. */
async function serverPort(redis: Redis): Promise<number> {
  return Number(/tcp_port:(\d+)/.exec(await redis.info('server'))?.[1]);
}

describe('connectRedis with a plain URL', () => {
  const server = useRedisServer();

  it('connects to the server and reports errors only through onError', async () => {
    const errors: Error[] = [];
    const target = parseRedisTarget(`${server().url}/3`);
    if (target.kind !== 'plain') throw new Error(`expected a plain target: ${server().url}`);
    const redis = connectRedis(target, {
      commandTimeoutMs: 1000,
      onError: error => errors.push(error),
    });
    try {
      expect(await redis.set('taba:test:plain', 'v')).toBe('OK');
      expect(await serverPort(redis)).toBe(server().port);
      // The db of the URL path.
      expect(await redis.client('INFO')).toMatch(/ db=3 /);
      expect(errors).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('connectRedis with a redis+sentinel:// URL', () => {
  let shard: SentinelShard | undefined;
  beforeAll(async () => {
    shard = await startSentinelShard({ name: 'connect-shard' });
  });
  afterAll(async () => {
    await shard?.stop();
  });

  it('connects to the current master and follows a failover', async () => {
    if (!shard) throw new Error('no shard');
    const [target] = parseRedisTargets('TABA_REDIS_SHARDS', `${shard.url}?db=1`);
    if (target?.kind !== 'sentinel') throw new Error(`expected a Sentinel target: ${shard.url}`);
    const redis = connectRedis(target, { commandTimeoutMs: 1000, onError: () => {} });
    try {
      const first = await shard.currentMaster();
      expect(await redis.incr('taba:test:counter')).toBe(1);
      // Replication is asynchronous and SENTINEL FAILOVER does not wait for the replica to
      // catch up: without this WAIT the increment can be lost in the failover.
      expect(await redis.wait(1, 1000)).toBe(1);
      expect(await serverPort(redis)).toBe(first.port);

      const second = await shard.failover();
      // failoverDetector: the connection moves when the Sentinels announce +switch-master,
      // not when the demoted master finally drops it (seconds later).
      await pollUntil(async () => ((await serverPort(redis)) === second.port ? true : undefined), {
        what: 'the connection on the new master',
        timeoutMs: 5000,
      });
      expect(await redis.incr('taba:test:counter')).toBe(2);
      expect(await redis.client('INFO')).toMatch(/ db=1 /);
    } finally {
      redis.disconnect();
    }
  });
});

describe('connectRedis with a redis+sentinel:// URL, when the master dies', () => {
  let shard: SentinelShard | undefined;
  beforeEach(async () => {
    shard = await startSentinelShard({ name: 'crash-shard' });
  });
  afterEach(async () => {
    await shard?.stop();
  });

  /**
   * SIGKILLs the master, waits for a write to succeed, and resolves with the promoted
   * master's port, the port the client writes to, and how long after the kill that was.
   */
  async function killAndWaitForWrites(
    redis: Redis,
  ): Promise<{ promotedPort: number; clientPort: number; afterMs: number }> {
    if (!shard) throw new Error('no shard');
    expect(await redis.set('taba:test:k', 'before')).toBe('OK');
    const killedAt = performance.now();
    const promoted = await shard.killMaster();
    await pollUntil(
      async () => {
        if (redis.status === 'end') throw new Error('the client gave up (status end)');
        return (await redis.set('taba:test:k', 'after')) === 'OK' ? true : undefined;
      },
      { what: 'a write on the promoted master', timeoutMs: 15_000, intervalMs: 50 },
    );
    const afterMs = performance.now() - killedAt;
    return { promotedPort: promoted.port, clientPort: await serverPort(redis), afterMs };
  }

  it('writes again on the promoted replica', async () => {
    if (!shard) throw new Error('no shard');
    const [target] = parseRedisTargets('TABA_REDIS_SHARDS', shard.url);
    if (target?.kind !== 'sentinel') throw new Error(`expected a Sentinel target: ${shard.url}`);
    const redis = connectRedis(target, { commandTimeoutMs: 1000, onError: () => {} });
    try {
      const { promotedPort, clientPort, afterMs } = await killAndWaitForWrites(redis);
      expect(clientPort).toBe(promotedPort);
      expect(afterMs).toBeLessThan(15_000);
    } finally {
      redis.disconnect();
    }
  });

  it('survives +switch-master arriving while ioredis still looks for the master', async () => {
    if (!shard) throw new Error('no shard');
    // A long pause between rounds of asking the Sentinels: the promotion is announced while
    // ioredis waits inside that pause, where plain ioredis 6 gives the client up for good.
    const redis = new Redis({
      sentinels: [...shard.sentinels],
      name: shard.name,
      role: 'master',
      failoverDetector: true,
      commandTimeout: 1000,
      retryStrategy: () => 10,
      sentinelRetryStrategy: () => 5000,
      Connector: FailoverSafeSentinelConnector,
    });
    redis.on('error', () => {});
    try {
      const { promotedPort, clientPort } = await killAndWaitForWrites(redis);
      expect(clientPort).toBe(promotedPort);
    } finally {
      redis.disconnect();
    }
  });
});

describe('connectRedis with a redis+cluster:// URL', () => {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives a Cluster that runs hash-tagged scripts on every node, alone or pipelined', async () => {
    if (!cluster) throw new Error('no cluster');
    const target = parseRedisTarget(cluster.url);
    if (target.kind !== 'cluster') throw new Error(`expected a cluster target: ${cluster.url}`);
    const errors: Error[] = [];
    const redis = connectRedis(target, { commandTimeoutMs: 1000, onError: e => errors.push(e) });
    try {
      expect(redis).toBeInstanceOf(Cluster);
      await redis.mset('{p7}:a', '2', '{p7}:b', '40');
      expect(await redis.eval(SUM_SCRIPT, 2, '{p7}:a', '{p7}:b')).toBe(42);

      // Two tags on two different masters.
      const other = await tagOnAnotherNode(redis, '{p7}');
      await redis.mset(`${other}:a`, '1', `${other}:b`, '1');
      // A defined command is sent as EVAL the first time on each node's connection, EVALSHA
      // afterwards: no SCRIPT LOAD on every node is needed, and no NOSCRIPT reaches the caller.
      redis.defineCommand(TEST_SUM_COMMAND, { lua: SUM_SCRIPT, numberOfKeys: 2 });
      for (let round = 0; round < 2; round += 1) {
        expect(await redis.tabaTestSumV1('{p7}:a', '{p7}:b')).toBe(42);
        expect(await redis.tabaTestSumV1(`${other}:a`, `${other}:b`)).toBe(2);
      }
      // A pipeline within one tag goes to that tag's node.
      const sameTag = await redis.pipeline().tabaTestSumV1('{p7}:a', '{p7}:b').get('{p7}:a').exec();
      expect(sameTag).toEqual([
        [null, 42],
        [null, '2'],
      ]);
      // ioredis does not split a pipeline by node: one spanning two nodes is refused whole.
      await expect(redis.pipeline().get('{p7}:a').get(`${other}:a`).exec()).rejects.toThrow(
        /same slots allocation group/,
      );
      expect(errors).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

const TEST_SUM_COMMAND = 'tabaTestSumV1';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tabaTestSumV1(key1: string, key2: string): Result<number, Context>;
  }
}

/** A hash tag `{pN}` whose slot another master serves than the one serving `tag`. */
async function tagOnAnotherNode(redis: Cluster, tag: string): Promise<string> {
  const nodeOf = async (key: string) => {
    const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
    return redis.slots[slot]?.[0];
  };
  const taken = await nodeOf(`${tag}:a`);
  for (let partition = 0; partition < 100; partition += 1) {
    const candidate = `{p${partition}}`;
    if ((await nodeOf(`${candidate}:a`)) !== taken) return candidate;
  }
  throw new Error(`every tag tried lives on the node of ${tag}`);
}
