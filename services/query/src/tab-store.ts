/**
 * Everything the query service reads from (and deletes in) the Redis shards. Reads are pipelined
 * per shard; every failure of Redis becomes UNAVAILABLE (REDIS_UNAVAILABLE). The key layout is
 * libs/common's (redis-keys.ts): this module only composes its keys.
 */
import type {
  PartitionCardinality,
  RedisConnection,
  RedisShards,
  StoredState,
  TabTypeName,
} from '@taba/common';
import {
  clientsOfTab,
  isTabaError,
  partitionOf,
  readPartitionCardinality,
  readStoredStates,
  redisKeys,
  UnavailableError,
} from '@taba/common';
import type { ChainableCommander } from 'ioredis';
import {
  DELETE_CLIENTS_PER_CALL,
  defineDeleteScript,
  deleteCells,
  runDelete,
} from './redis/delete-script.js';

/** Commands sent in one pipeline at most; bigger reads go in several. */
const PIPELINE_CHUNK = 2000;
/** Tabs whose States are read at the same time. */
const STATE_READ_CONCURRENCY = 32;
/** A delete retried this often when commits keep racing it. */
const DELETE_ATTEMPTS = 5;

/** A Tab and the partition that holds it. */
export interface PlacedTab {
  readonly name: string;
  readonly partition: number;
}

/** A Tab to delete, with its type (Buffers and Uniques have keys beyond the State hash). */
export interface TypedPlacedTab extends PlacedTab {
  readonly type: string;
}

/** Any Redis failure → UNAVAILABLE (REDIS_UNAVAILABLE); domain errors pass through. */
export function redisFailure(error: unknown, what: string): Error {
  if (isTabaError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UnavailableError('REDIS_UNAVAILABLE', `${what} failed: ${detail}`, { cause: error });
}

/** Runs `work` over `items` with at most `limit` in flight; results in item order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export class TabStore {
  constructor(
    private readonly shards: RedisShards,
    readonly partitionCount: number,
  ) {}

  /** 0 … partitionCount − 1. */
  allPartitions(): number[] {
    return Array.from({ length: this.partitionCount }, (_, p) => p);
  }

  partitionOf(name: string): number {
    return partitionOf(name, this.partitionCount);
  }

  /**
   * One command per item, pipelined per shard (in chunks), shards in parallel; replies in item
   * order. The first failed command fails the whole read.
   */
  private async pipelined<T>(
    items: readonly T[],
    partitionOfItem: (item: T) => number,
    add: (pipeline: ChainableCommander, item: T) => void,
  ): Promise<unknown[]> {
    const replies = new Array<unknown>(items.length);
    const indexed = items.map((item, at) => ({ item, at }));
    const groups = this.shards.groupByShard(indexed, ({ item }) => partitionOfItem(item));
    await Promise.all(
      [...groups].map(async ([shard, group]) => {
        const redis = this.shards.connection(shard);
        for (let start = 0; start < group.length; start += PIPELINE_CHUNK) {
          const chunk = group.slice(start, start + PIPELINE_CHUNK);
          const pipeline = redis.pipeline();
          for (const { item } of chunk) add(pipeline, item);
          const results = (await pipeline.exec()) ?? [];
          chunk.forEach(({ at }, k) => {
            const [error, value] = results[k] ?? [new Error('missing pipeline reply'), null];
            if (error) throw error;
            replies[at] = value;
          });
        }
      }),
    );
    return replies;
  }

  private async guard<R>(what: string, read: () => Promise<R>): Promise<R> {
    try {
      return await read();
    } catch (error) {
      throw redisFailure(error, what);
    }
  }

  /** The `version` of each partition (0 when never written), in the order given. */
  versions(partitions: readonly number[]): Promise<number[]> {
    return this.guard('reading partition versions', async () => {
      const replies = await this.pipelined(
        partitions,
        p => p,
        (pipeline, p) => pipeline.get(redisKeys.version(p)),
      );
      return replies.map(reply => (reply === null || reply === undefined ? 0 : Number(reply)));
    });
  }

  /** Every Tab of the partitions: name → type spec (`HGETALL types`). */
  typesIn(partitions: readonly number[]): Promise<Map<string, string>> {
    return this.guard('listing Tabs', async () => {
      const replies = await this.pipelined(
        partitions,
        p => p,
        (pipeline, p) => pipeline.hgetall(redisKeys.types(p)),
      );
      const types = new Map<string, string>();
      for (const reply of replies) {
        for (const [name, spec] of Object.entries(reply as Record<string, string>)) {
          types.set(name, spec);
        }
      }
      return types;
    });
  }

  /** The type spec of each named Tab, or null for a name no partition knows. */
  typesOf(names: readonly string[]): Promise<Map<string, string | null>> {
    return this.guard('reading Tab types', async () => {
      const replies = await this.pipelined(
        names,
        name => this.partitionOf(name),
        (pipeline, name) => pipeline.hget(redisKeys.types(this.partitionOf(name)), name),
      );
      return new Map(names.map((name, i) => [name, (replies[i] as string | null) ?? null]));
    });
  }

  /**
   * Tab → the given clients that wrote it, from the `tabs|<client>` sets of the partitions
   * (each set holds the Tabs a client wrote in its partition).
   */
  tabsOfClients(
    partitions: readonly number[],
    clients: readonly string[],
  ): Promise<Map<string, string[]>> {
    return this.guard('reading the Tabs of clients', async () => {
      const pairs = partitions.flatMap(partition => clients.map(client => ({ partition, client })));
      const replies = await this.pipelined(
        pairs,
        pair => pair.partition,
        (pipeline, { partition, client }) =>
          pipeline.smembers(redisKeys.tabsOfClient(partition, client)),
      );
      const byTab = new Map<string, string[]>();
      pairs.forEach(({ client }, i) => {
        for (const tab of replies[i] as string[]) {
          const list = byTab.get(tab) ?? [];
          list.push(client);
          byTab.set(tab, list);
        }
      });
      return byTab;
    });
  }

  /** Tab → every client that wrote it (`clients|<tab>`). */
  clientsOf(tabs: readonly PlacedTab[]): Promise<Map<string, string[]>> {
    return this.guard('reading the clients of Tabs', async () => {
      const replies = await this.pipelined(
        tabs,
        tab => tab.partition,
        (pipeline, tab) => pipeline.smembers(redisKeys.clients(tab.partition, tab.name)),
      );
      return new Map(tabs.map((tab, i) => [tab.name, replies[i] as string[]]));
    });
  }

  /** The stored States of each Tab for its clients (ALL_CLIENTS for the all-clients State). */
  readStates(
    requests: readonly (PlacedTab & { type: TabTypeName; clients: readonly string[] })[],
    now: number,
  ): Promise<Map<string, StoredState>[]> {
    return this.guard('reading States', () =>
      mapLimit(requests, STATE_READ_CONCURRENCY, request =>
        readStoredStates(
          this.shards.forPartition(request.partition),
          request.partition,
          request.name,
          request.type,
          request.clients,
          now,
        ),
      ),
    );
  }

  /**
   * Every partition's Tab and client counts (readPartitionCardinality), a few partitions at a
   * time; `each` takes them one by one, so only the caller's tally grows.
   */
  walkCardinality(each: (counts: PartitionCardinality) => void): Promise<void> {
    return this.guard('reading the Tab and client counts', async () => {
      await mapLimit(this.allPartitions(), STATE_READ_CONCURRENCY, async partition => {
        each(await readPartitionCardinality(this.shards.forPartition(partition), partition));
      });
    });
  }

  /**
   * Deletes every key of each Tab, partition by partition (one atomic script each), and bumps
   * the partition's version. Tabs that no longer exist are skipped. Returns the deleted names.
   */
  deleteTabs(tabs: readonly TypedPlacedTab[]): Promise<string[]> {
    return this.guard('deleting Tabs', async () => {
      const byPartition = new Map<number, TypedPlacedTab[]>();
      for (const tab of tabs) {
        const list = byPartition.get(tab.partition) ?? [];
        list.push(tab);
        byPartition.set(tab.partition, list);
      }
      const deleted: string[] = [];
      await mapLimit([...byPartition], STATE_READ_CONCURRENCY, async ([partition, list]) => {
        const redis = this.shards.forPartition(partition);
        defineDeleteScript(redis);
        for (const name of await deleteInPartition(redis, partition, list)) deleted.push(name);
      });
      return deleted;
    });
  }
}

/**
 * A Tab's clients, read in bounded chunks (SSCAN); while they are more than one delete call
 * takes, the cells of all but the last DELETE_CLIENTS_PER_CALL go first, a call per chunk
 * (delete-cells.lua). Returns the clients left for the atomic delete of the Tab.
 */
async function shedWideTab(
  redis: RedisConnection,
  partition: number,
  tab: string,
): Promise<string[]> {
  for (;;) {
    const clients = new Set<string>();
    for await (const chunk of clientsOfTab(redis, partition, tab)) {
      for (const client of chunk) clients.add(client);
    }
    if (clients.size <= DELETE_CLIENTS_PER_CALL) return [...clients];
    const shed = [...clients].slice(DELETE_CLIENTS_PER_CALL);
    for (let at = 0; at < shed.length; at += DELETE_CLIENTS_PER_CALL) {
      await deleteCells(redis, partition, tab, shed.slice(at, at + DELETE_CLIENTS_PER_CALL));
    }
  }
}

/**
 * One partition's delete: read which of the Tabs exist and their clients, then delete them in
 * one script, which refuses when a commit added a client in between; then read again.
 */
async function deleteInPartition(
  redis: RedisConnection,
  partition: number,
  tabs: readonly TypedPlacedTab[],
): Promise<string[]> {
  for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt += 1) {
    // An array, not a spread: a spread of many names outgrows the stack.
    const specs = (await redis.call('HMGET', [
      redisKeys.types(partition),
      ...tabs.map(tab => tab.name),
    ])) as (string | null)[];
    const present = tabs.filter((_, i) => specs[i] !== null && specs[i] !== undefined);
    if (present.length === 0) return [];
    const doomed = [];
    for (const tab of present) {
      const clients = await shedWideTab(redis, partition, tab.name);
      doomed.push({ name: tab.name, type: tab.type, clients });
    }
    if (await runDelete(redis, partition, doomed)) return present.map(tab => tab.name);
  }
  throw new UnavailableError(
    'DELETE_CONTENDED',
    `partition ${partition} kept changing during ${DELETE_ATTEMPTS} delete attempts; retry`,
  );
}
