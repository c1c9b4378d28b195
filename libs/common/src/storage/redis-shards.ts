import type { RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { ConfigError } from '../config/env-readers.js';
import { ConsistentRing } from '../hash/consistent-ring.js';

export interface RedisShardOptions {
  /** Partition count of the cluster. */
  readonly partitionCount: number;
  /** Per-command timeout, ms; a stuck shard fails calls instead of hanging them. @default 5000 */
  readonly commandTimeoutMs?: number;
  /**
   * Connection errors (ioredis reconnects by itself; commands meanwhile fail and are
   * retried by their callers). Without a listener ioredis would print to the console.
   */
  readonly onError?: (url: string, error: Error) => void;
}

/** Parses TABA_REDIS_SHARDS: comma-separated `redis://host:port[/db]` URLs. */
export function parseShardUrls(variable: string, urls: readonly string[]): string[] {
  if (urls.length === 0) throw new ConfigError(variable, 'needs at least one redis:// URL');
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(variable, `"${url}" is not a URL`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new ConfigError(variable, `"${url}" must start with redis:// or rediss://`);
    }
  }
  return [...urls];
}

/**
 * The Redis shards of a cluster: one connection per shard, and partition → shard by
 * the bounded-load consistent ring over the shard URLs (every process that has the same
 * list computes the same placement). With one URL it is one shard.
 */
export class RedisShards {
  readonly ring: ConsistentRing;
  private readonly connections = new Map<string, Redis>();

  constructor(
    readonly urls: readonly string[],
    options: RedisShardOptions,
    connectionOptions: RedisOptions = {},
  ) {
    this.ring = new ConsistentRing(urls, { partitionCount: options.partitionCount });
    for (const url of this.ring.shards) {
      const redis = new Redis(url, {
        commandTimeout: options.commandTimeoutMs ?? 5000,
        maxRetriesPerRequest: 2,
        enableAutoPipelining: false,
        ...connectionOptions,
      });
      redis.on('error', (error: Error) => options.onError?.(url, error));
      this.connections.set(url, redis);
    }
  }

  /** The shard URL that holds a partition. */
  shardOf(partition: number): string {
    return this.ring.shardOf(partition);
  }

  /** The connection that holds a partition. */
  forPartition(partition: number): Redis {
    return this.connection(this.shardOf(partition));
  }

  connection(url: string): Redis {
    const redis = this.connections.get(url);
    if (!redis) throw new Error(`unknown shard ${url}`);
    return redis;
  }

  /** Every connection, with its shard URL. */
  all(): [string, Redis][] {
    return [...this.connections.entries()];
  }

  /** Groups items by the shard of their partition. */
  groupByShard<T>(items: readonly T[], partitionOf: (item: T) => number): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const shard = this.shardOf(partitionOf(item));
      const list = groups.get(shard) ?? [];
      list.push(item);
      groups.set(shard, list);
    }
    return groups;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.connections.values()].map(redis => redis.quit().catch(() => redis.disconnect())),
    );
  }
}
