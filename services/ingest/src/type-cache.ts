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
  /** Names being read from Redis now, and the read that will have them. */
  private readonly reading = new Map<string, Promise<ReadonlyMap<string, string>>>();
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
    const now = this.nowMs();
    let missing: string[] | undefined;
    let asked: Set<string> | undefined;
    for (const name of names) {
      const entry = this.entries.get(name);
      if (entry && now - entry.at <= this.ttlMs) {
        // A name may come twice: it counts once, as `new Set(names)` would have it.
        const size = found.size;
        found.set(name, entry.spec);
        if (found.size > size) this.hits += 1;
        continue;
      }
      if (asked?.has(name)) continue;
      asked ??= new Set();
      asked.add(name);
      this.misses += 1;
      missing ??= [];
      missing.push(name);
    }
    if (missing) await this.fetch(missing, found);
    return found;
  }

  /**
   * Reads the specs of `names` from Redis into `found`. Cached entries expire together, so
   * concurrent batches miss the same names at once: a name already being read joins that read.
   */
  private async fetch(names: readonly string[], found: Map<string, string>): Promise<void> {
    const reads: Promise<void>[] = [];
    const byShard = new Map<string, string[]>();
    for (const name of names) {
      const pending = this.reading.get(name);
      if (pending) {
        reads.push(pending.then(specs => copySpecs(specs, [name], found)));
        continue;
      }
      const shard = this.shards.shardOf(partitionOf(name, this.partitionCount));
      const list = byShard.get(shard);
      if (list) list.push(name);
      else byShard.set(shard, [name]);
    }
    for (const [shard, list] of byShard) {
      const read = this.readShard(shard, list);
      for (const name of list) this.reading.set(name, read);
      const done = () => {
        for (const name of list) if (this.reading.get(name) === read) this.reading.delete(name);
      };
      read.then(done, done);
      reads.push(read.then(specs => copySpecs(specs, list, found)));
    }
    await Promise.all(reads);
  }

  /** One pipeline of HGETs to a shard; remembers what it finds. */
  private async readShard(shard: string, names: readonly string[]): Promise<Map<string, string>> {
    const pipeline = this.shards.connection(shard).pipeline();
    for (const name of names)
      pipeline.hget(redisKeys.types(partitionOf(name, this.partitionCount)), name);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new UnavailableError(
        'REDIS_UNAVAILABLE',
        `reading Tab types failed: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    const specs = new Map<string, string>();
    names.forEach((name, i) => {
      const [error, spec] = replies?.[i] ?? [null, null];
      if (error)
        throw new UnavailableError(
          'REDIS_UNAVAILABLE',
          `reading Tab types failed: ${error.message}`,
        );
      if (typeof spec === 'string') {
        specs.set(name, spec);
        this.remember(name, spec);
      }
    });
    return specs;
  }

  remember(name: string, spec: string): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(name, { spec, at: this.nowMs() });
  }

  forget(name: string): void {
    this.entries.delete(name);
  }
}

function copySpecs(
  specs: ReadonlyMap<string, string>,
  names: readonly string[],
  found: Map<string, string>,
): void {
  for (const name of names) {
    const spec = specs.get(name);
    if (spec !== undefined) found.set(name, spec);
  }
}
