/**
 * Everything the query service reads from (and deletes in) the Redis shards. Reads are batched
 * per shard (pipelines, or one MGET per chunk of keys) across Tabs and partitions; every failure
 * of Redis becomes UNAVAILABLE (REDIS_UNAVAILABLE). The key layout is libs/common's
 * (redis-keys.ts): this module only composes its keys.
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
  redisKeys,
  storedStateOfCell,
  UnavailableError,
} from '@taba/common';
import type { ChainableCommander } from 'ioredis';
import type { PartitionTypes } from './catalogue-reader.js';
import {
  DELETE_CLIENTS_PER_CALL,
  defineDeleteScript,
  deleteCells,
  runDelete,
} from './redis/delete-script.js';
import { ShardMap } from './shard-map.js';

/** Commands sent in one pipeline (or keys in one MGET) at most; bigger reads go in several. */
const PIPELINE_CHUNK = 2000;
/**
 * Cells read by one MGET: a cell is up to its compacted base plus TABA_CELL_TAIL_BYTES, so a
 * chunk's reply stays a few MB; the next chunk is asked for while this one is decoded.
 */
const STATE_READ_CHUNK = 512;
/** Partitions walked (cardinality) or deleted in at the same time. */
const PARTITION_CONCURRENCY = 32;
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

/** The States of one Tab to read: one per client (ALL_CLIENTS for the all-clients State). */
export interface StateRead extends PlacedTab {
  readonly type: TabTypeName;
  readonly clients: readonly string[];
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
  private readonly shardMap: ShardMap;

  constructor(
    private readonly shards: RedisShards,
    readonly partitionCount: number,
  ) {
    this.shardMap = new ShardMap(partitionCount, partition => shards.shardOf(partition));
  }

  /** 0 … partitionCount − 1. */
  allPartitions(): number[] {
    return Array.from({ length: this.partitionCount }, (_, p) => p);
  }

  partitionOf(name: string): number {
    return partitionOf(name, this.partitionCount);
  }

  /**
   * `perItem` commands per item, pipelined per shard (in chunks), shards in parallel; replies in
   * item order (item i's k-th command at i × perItem + k). The first failed command fails the
   * whole read.
   */
  private async pipelined<T>(
    items: readonly T[],
    partitionOfItem: (item: T) => number,
    add: (pipeline: ChainableCommander, item: T) => void,
    perItem = 1,
  ): Promise<unknown[]> {
    const replies = new Array<unknown>(items.length * perItem);
    const indexed = items.map((item, at) => ({ item, at }));
    const groups = this.shardMap.group(indexed, ({ item }) => partitionOfItem(item));
    const chunkItems = Math.max(1, Math.floor(PIPELINE_CHUNK / perItem));
    await Promise.all(
      [...groups].map(async ([shard, group]) => {
        const redis = this.shards.connection(shard);
        for (let start = 0; start < group.length; start += chunkItems) {
          const chunk = group.slice(start, start + chunkItems);
          const pipeline = redis.pipeline();
          for (const { item } of chunk) add(pipeline, item);
          const results = (await pipeline.exec()) ?? [];
          chunk.forEach(({ at }, k) => {
            for (let command = 0; command < perItem; command += 1) {
              const [error, value] = results[k * perItem + command] ?? [
                new Error('missing pipeline reply'),
                null,
              ];
              if (error) throw error;
              replies[at * perItem + command] = value;
            }
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

  /**
   * The `version` of each partition (0 when never written), in the order given: one MGET per
   * shard (per chunk of keys; on a Redis Cluster per partition, a key of one slot each).
   */
  versions(partitions: readonly number[]): Promise<number[]> {
    return this.guard('reading partition versions', async () => {
      const versions = new Array<number>(partitions.length).fill(0);
      const indexed = partitions.map((partition, at) => ({ partition, at }));
      const groups = this.shardMap.group(indexed, ({ partition }) => partition);
      await Promise.all(
        [...groups].map(async ([shard, group]) => {
          const redis = this.shards.connection(shard);
          for (let start = 0; start < group.length; start += PIPELINE_CHUNK) {
            const chunk = group.slice(start, start + PIPELINE_CHUNK);
            const replies = await redis.mget(
              chunk.map(({ partition }) => redisKeys.version(partition)),
            );
            chunk.forEach(({ at }, k) => {
              const reply = replies[k];
              versions[at] = reply === null || reply === undefined ? 0 : Number(reply);
            });
          }
        }),
      );
      return versions;
    });
  }

  /**
   * Each partition's Tabs (name → type spec, `HGETALL types`), each read right after the
   * partition's `version` in the same pipeline, so the Tabs are at least as new as the version.
   */
  typesWithVersions(partitions: readonly number[]): Promise<PartitionTypes[]> {
    return this.guard('listing Tabs', async () => {
      const replies = await this.pipelined(
        partitions,
        p => p,
        (pipeline, p) => pipeline.get(redisKeys.version(p)).hgetall(redisKeys.types(p)),
        2,
      );
      return partitions.map((_, i) => {
        const version = replies[2 * i];
        const types = replies[2 * i + 1] as Record<string, string> | null | undefined;
        return {
          version: version === null || version === undefined ? 0 : Number(version),
          types: new Map(Object.entries(types ?? {})),
        };
      });
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

  /**
   * The stored States of each Tab for its clients (ALL_CLIENTS for the all-clients State): the
   * cells of every Tab of a shard in MGETs of STATE_READ_CHUNK keys, shards in parallel, each
   * chunk decoded while the next is read. Answers one map (client → State) per request.
   */
  readStates(requests: readonly StateRead[], now: number): Promise<Map<string, StoredState>[]> {
    return this.guard('reading States', async () => {
      const states = requests.map(() => new Map<string, StoredState>());
      const indices = requests.map((_, at) => at);
      const groups = this.shardMap.group(indices, at => requests[at]?.partition ?? 0);
      await Promise.all(
        [...groups].map(([shard, group]) =>
          this.readShardStates(this.shards.connection(shard), requests, group, states, now),
        ),
      );
      return states;
    });
  }

  /** One shard's part of readStates: its requests' cells, chunk after chunk. */
  private async readShardStates(
    redis: RedisConnection,
    requests: readonly StateRead[],
    group: readonly number[],
    states: Map<string, StoredState>[],
    now: number,
  ): Promise<void> {
    let keys: string[] = [];
    let owners: number[] = [];
    let clients: string[] = [];
    let previous:
      | { reply: Promise<(Buffer | null)[]>; owners: number[]; clients: string[] }
      | undefined;
    const decode = async (chunk: NonNullable<typeof previous>) => {
      const values = await chunk.reply;
      chunk.owners.forEach((at, k) => {
        const request = requests[at] as StateRead;
        const client = chunk.clients[k] as string;
        states[at]?.set(client, storedStateOfCell(values[k], request.type, now));
      });
    };
    const send = async () => {
      const sent = { reply: redis.mgetBuffer(keys), owners, clients };
      // A failed chunk fails the read; until it is awaited, keep Node from calling it unhandled.
      sent.reply.catch(() => undefined);
      keys = [];
      owners = [];
      clients = [];
      if (previous) await decode(previous);
      previous = sent;
    };
    for (const at of group) {
      const request = requests[at] as StateRead;
      for (const client of request.clients) {
        keys.push(redisKeys.cell(request.partition, request.name, client));
        owners.push(at);
        clients.push(client);
        if (keys.length >= STATE_READ_CHUNK) await send();
      }
    }
    if (keys.length > 0) await send();
    if (previous) await decode(previous);
  }

  /**
   * Every partition's Tab and client counts (readPartitionCardinality), a few partitions at a
   * time; `each` takes them one by one, so only the caller's tally grows.
   */
  walkCardinality(each: (counts: PartitionCardinality) => void): Promise<void> {
    return this.guard('reading the Tab and client counts', async () => {
      await mapLimit(this.allPartitions(), PARTITION_CONCURRENCY, async partition => {
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
      await mapLimit([...byPartition], PARTITION_CONCURRENCY, async ([partition, list]) => {
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
