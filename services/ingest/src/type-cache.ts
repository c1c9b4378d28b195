import type { RedisShards } from '@taba/common';
import { partitionOf, redisKeys, UnavailableError } from '@taba/common';

interface Entry {
  readonly spec: string;
  readonly at: number;
}

/**
 * Stored Tab types, cached for a short time. A type changes only when a Tab is deleted and
 * re-created, and the commit script re-checks every type atomically, so a stale entry
 * costs at most a conflict answered by the aggregator instead of here.
 */
export class TypeCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly shards: RedisShards,
    private readonly partitionCount: number,
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  /** The stored spec of each name that has one. */
  async lookup(names: Iterable<string>): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing = new Map<string, string[]>();
    const now = this.nowMs();
    for (const name of new Set(names)) {
      const entry = this.entries.get(name);
      if (entry && now - entry.at <= this.ttlMs) {
        this.hits += 1;
        found.set(name, entry.spec);
        continue;
      }
      this.misses += 1;
      const shard = this.shards.shardOf(partitionOf(name, this.partitionCount));
      const list = missing.get(shard) ?? [];
      list.push(name);
      missing.set(shard, list);
    }
    await Promise.all(
      [...missing].map(async ([shard, list]) => {
        const pipeline = this.shards.connection(shard).pipeline();
        for (const name of list)
          pipeline.hget(redisKeys.types(partitionOf(name, this.partitionCount)), name);
        let replies: [Error | null, unknown][] | null;
        try {
          replies = await pipeline.exec();
        } catch (error) {
          throw new UnavailableError(
            'REDIS_UNAVAILABLE',
            `reading Tab types failed: ${String(error)}`,
            { cause: error },
          );
        }
        list.forEach((name, i) => {
          const [error, spec] = replies?.[i] ?? [null, null];
          if (error)
            throw new UnavailableError(
              'REDIS_UNAVAILABLE',
              `reading Tab types failed: ${error.message}`,
            );
          if (typeof spec === 'string') {
            found.set(name, spec);
            this.remember(name, spec);
          }
        });
      }),
    );
    return found;
  }

  remember(name: string, spec: string): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(name, { spec, at: this.nowMs() });
  }

  forget(name: string): void {
    this.entries.delete(name);
  }
}
