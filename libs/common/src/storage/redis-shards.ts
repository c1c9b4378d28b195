import { ConsistentRing } from '../hash/consistent-ring.js';
import type { RedisAccess } from './redis-access.js';
import type { RedisConnection } from './redis-connect.js';
import { connectRedis } from './redis-connect.js';
import { redisKeys } from './redis-keys.js';
import type { RedisTarget } from './redis-url.js';
import { describeRedisTarget, parseRedisTarget, shardIdentity } from './redis-url.js';

export interface RedisShardOptions {
  /** Partition count of the cluster. */
  readonly partitionCount: number;
  /** Per-command timeout, ms; a stuck shard fails calls instead of hanging them. @default 5000 */
  readonly commandTimeoutMs?: number;
  /**
   * Connection errors (ioredis reconnects by itself; commands meanwhile fail and are
   * retried by their callers). `shard` is the log-safe description (no password).
   */
  readonly onError?: (shard: string, error: Error) => void;
  /** Credentials and TLS options beyond the URLs' (TABA_REDIS_USERNAME, …). @default none */
  readonly access?: RedisAccess;
}

/** How one shard is doing, for status. */
export interface ShardHealth {
  /** The log-safe description (no password). */
  readonly shard: string;
  /** ioredis's connection status: `ready`, `connecting`, `reconnecting`, `end`, … */
  readonly status: string;
  /** Round trip of a PING, ms, or the error it met. */
  readonly pingMs?: number;
  readonly error?: string;
}

interface Shard {
  readonly name: string;
  readonly connection: RedisConnection;
}

const CLUSTER_GROUP_PREFIX = 'cluster:';

/**
 * The Redis shards of a cluster. Each shard is a plain Redis or a Sentinel-managed master
 * set, and partition → shard is the bounded-load consistent ring over the shards' identities
 * (every process with the same list computes the same placement; with one shard it is that
 * one). Or one Redis Cluster holds everything: slots are the cluster's business, and since
 * one script or pipeline may only touch one slot, every partition is its own group there.
 *
 * A "group" is what callers batch together (one commit script, one read pipeline): a shard,
 * or on a Redis Cluster a partition.
 */
export class RedisShards {
  readonly kind: 'shards' | 'cluster';
  private readonly ring: ConsistentRing | undefined;
  private readonly shards = new Map<string, Shard>();

  constructor(targets: readonly (RedisTarget | string)[], options: RedisShardOptions) {
    const parsed = targets.map(target =>
      typeof target === 'string' ? parseRedisTarget(target) : target,
    );
    const cluster = parsed.find(target => target.kind === 'cluster');
    this.kind = cluster ? 'cluster' : 'shards';
    const connect = (target: RedisTarget): Shard => {
      const name = describeRedisTarget(target);
      const connection = connectRedis(target, {
        commandTimeoutMs: options.commandTimeoutMs ?? 5000,
        ...(options.access && { access: options.access }),
        onError: error => options.onError?.(name, error),
      });
      return { name, connection };
    };
    if (cluster) {
      this.ring = undefined;
      this.shards.set(CLUSTER_GROUP_PREFIX, connect(cluster));
      return;
    }
    const byIdentity = new Map(parsed.map(target => [shardIdentity(target), target]));
    this.ring = new ConsistentRing([...byIdentity.keys()], {
      partitionCount: options.partitionCount,
    });
    for (const identity of this.ring.shards) {
      const target = byIdentity.get(identity);
      if (target) this.shards.set(identity, connect(target));
    }
  }

  /** The log-safe description of every shard (for status and logs). */
  get names(): string[] {
    return [...this.shards.values()].map(shard => shard.name);
  }

  /** The group that holds a partition: its shard, or on a Redis Cluster the partition itself. */
  shardOf(partition: number): string {
    if (!this.ring) return `${CLUSTER_GROUP_PREFIX}${redisKeys.version(partition)}`;
    return this.ring.shardOf(partition);
  }

  /** The connection that holds a partition. */
  forPartition(partition: number): RedisConnection {
    return this.connection(this.shardOf(partition));
  }

  /** The connection of a group (from shardOf / groupByShard). */
  connection(group: string): RedisConnection {
    const shard = this.shards.get(
      group.startsWith(CLUSTER_GROUP_PREFIX) ? CLUSTER_GROUP_PREFIX : group,
    );
    if (!shard) throw new Error(`unknown Redis shard ${group}`);
    return shard.connection;
  }

  /** Every connection once, with its shard's log-safe description. */
  all(): [string, RedisConnection][] {
    return [...this.shards.values()].map(shard => [shard.name, shard.connection]);
  }

  /** Groups items by the group (shard, or cluster partition) of their partition. */
  groupByShard<T>(items: readonly T[], partitionOf: (item: T) => number): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const group = this.shardOf(partitionOf(item));
      const list = groups.get(group) ?? [];
      list.push(item);
      groups.set(group, list);
    }
    return groups;
  }

  /** Connection status and a PING round trip per shard, each bounded by the command timeout. */
  async health(): Promise<ShardHealth[]> {
    return Promise.all(
      [...this.shards.values()].map(async ({ name, connection }) => {
        const started = performance.now();
        try {
          await connection.ping();
          return {
            shard: name,
            status: connection.status,
            pingMs: Math.round((performance.now() - started) * 10) / 10,
          };
        } catch (error) {
          return { shard: name, status: connection.status, error: String(error) };
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.shards.values()].map(({ connection }) =>
        connection.quit().then(
          () => undefined,
          () => connection.disconnect(),
        ),
      ),
    );
  }
}

/** Shard health as status details: `redis.shards` (how many) and `redis.shard.<i>` per shard. */
export function shardHealthDetails(health: readonly ShardHealth[]): Record<string, string> {
  const details: Record<string, string> = { 'redis.shards': String(health.length) };
  health.forEach((shard, i) => {
    details[`redis.shard.${i}`] =
      shard.error === undefined
        ? `${shard.shard} ${shard.status} ping ${shard.pingMs ?? '?'} ms`
        : `${shard.shard} ${shard.status} error: ${shard.error}`;
  });
  return details;
}
