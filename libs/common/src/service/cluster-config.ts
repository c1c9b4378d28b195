import type { Env } from '../config/env-readers.js';
import { readInteger, readString } from '../config/env-readers.js';
import { DEFAULT_PARTITION_COUNT, MAX_PARTITION_COUNT } from '../hash/partition.js';
import type { Logger } from '../logging/logger.js';
import type { RedisAccess } from '../storage/redis-access.js';
import { loadRedisAccess } from '../storage/redis-access.js';
import { RedisShards } from '../storage/redis-shards.js';
import type { RedisTarget } from '../storage/redis-url.js';
import { parseRedisTargets } from '../storage/redis-url.js';

/** What every service that touches partitions or Redis must agree on. */
export interface ClusterConfig {
  /** TABA_PARTITIONS: fixed when a cluster is created. @default 1024 */
  readonly partitionCount: number;
  /**
   * TABA_REDIS_SHARDS: the shards, each `redis://…`, `rediss://…` or `redis+sentinel://…`, or
   * one `redis+cluster://…` (grammar in storage/redis-url.ts). @default redis://127.0.0.1:6379
   */
  readonly redisShards: readonly RedisTarget[];
  /** TABA_REDIS_COMMAND_TIMEOUT_MS: a stuck shard fails a command after this. @default 5000 */
  readonly redisCommandTimeoutMs: number;
  /**
   * TABA_REDIS_USERNAME, TABA_REDIS_PASSWORD_FILE, TABA_REDIS_SENTINEL_*, TABA_REDIS_TLS_*:
   * what the URLs do not say. Holds a password: never log it.
   */
  readonly redisAccess: RedisAccess;
}

export function loadClusterConfig(env: Env): ClusterConfig {
  return Object.freeze({
    partitionCount: readInteger(env, 'TABA_PARTITIONS', DEFAULT_PARTITION_COUNT, {
      min: 1,
      max: MAX_PARTITION_COUNT,
    }),
    redisShards: parseRedisTargets(
      'TABA_REDIS_SHARDS',
      readString(env, 'TABA_REDIS_SHARDS', 'redis://127.0.0.1:6379'),
    ),
    redisCommandTimeoutMs: readInteger(env, 'TABA_REDIS_COMMAND_TIMEOUT_MS', 5000, {
      min: 10,
      max: 600_000,
    }),
    redisAccess: loadRedisAccess(env),
  });
}

/** Connects to the cluster's Redis shards; connection errors go to the log (ioredis reconnects). */
export function connectRedisShards(cluster: ClusterConfig, logger: Logger): RedisShards {
  return new RedisShards(cluster.redisShards, {
    partitionCount: cluster.partitionCount,
    commandTimeoutMs: cluster.redisCommandTimeoutMs,
    access: cluster.redisAccess,
    onError: (shard, error) => logger.warn({ shard, err: error }, 'redis connection error'),
  });
}
