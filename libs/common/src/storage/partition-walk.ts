/**
 * Walks the Tabs of a partition and their clients from the indexes the commit script keeps
 * (redis-keys.ts: the types hash, one clients set per Tab), in bounded chunks: HSCAN and SSCAN
 * with a COUNT hint, never one reply of a whole hash or set, and never an argument spread. The
 * pruner, the aggregator's cardinality counts and the query service's report all walk this way.
 */
import type { RedisConnection } from './redis-connect.js';
import { redisKeys } from './redis-keys.js';

/** Entries asked for per HSCAN/SSCAN step (a hint: Redis may return a few more). */
export const WALK_CHUNK = 1000;

/** Every (Tab, type spec) of a partition, a chunk at a time. */
export async function* tabsOfPartition(
  redis: RedisConnection,
  partition: number,
  chunk = WALK_CHUNK,
): AsyncGenerator<[tab: string, spec: string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(redisKeys.types(partition), cursor, 'COUNT', chunk);
    cursor = next;
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      pairs.push([flat[i] as string, flat[i + 1] as string]);
    if (pairs.length > 0) yield pairs;
  } while (cursor !== '0');
}

/** Every client of a Tab (SSCAN may repeat a member while the set changes; callers tolerate it). */
export async function* clientsOfTab(
  redis: RedisConnection,
  partition: number,
  tab: string,
  chunk = WALK_CHUNK,
): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, members] = await redis.sscan(
      redisKeys.clients(partition, tab),
      cursor,
      'COUNT',
      chunk,
    );
    cursor = next;
    if (members.length > 0) yield members;
  } while (cursor !== '0');
}

/** What a partition holds: clients per Tab, and Tabs per client. */
export interface PartitionCardinality {
  readonly clientsOfTab: Map<string, number>;
  readonly tabsOfClient: Map<string, number>;
}

/** Results of a pipeline in order; the first failed command fails the whole read. */
async function execAll(pipeline: ReturnType<RedisConnection['pipeline']>): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/**
 * Counts a partition's clients per Tab and Tabs per client: per chunk of Tabs one pipeline of
 * SCARD, one of SMEMBERS for the sets of at most `chunk` members, SSCAN for the larger ones.
 */
export async function readPartitionCardinality(
  redis: RedisConnection,
  partition: number,
  chunk = WALK_CHUNK,
): Promise<PartitionCardinality> {
  const clientCounts = new Map<string, number>();
  const tabCounts = new Map<string, number>();
  const countClient = (client: string) => tabCounts.set(client, (tabCounts.get(client) ?? 0) + 1);
  for await (const tabs of tabsOfPartition(redis, partition, chunk)) {
    const sizes = redis.pipeline();
    for (const [tab] of tabs) sizes.scard(redisKeys.clients(partition, tab));
    const counts = (await execAll(sizes)).map(Number);
    const small = redis.pipeline();
    const smallTabs: string[] = [];
    const largeTabs: string[] = [];
    tabs.forEach(([tab], i) => {
      const count = counts[i] ?? 0;
      clientCounts.set(tab, count);
      if (count > chunk) largeTabs.push(tab);
      else if (count > 0) {
        smallTabs.push(tab);
        small.smembers(redisKeys.clients(partition, tab));
      }
    });
    if (smallTabs.length > 0) {
      for (const members of await execAll(small))
        for (const client of members as string[]) countClient(client);
    }
    for (const tab of largeTabs) {
      const seen = new Set<string>();
      for await (const members of clientsOfTab(redis, partition, tab, chunk)) {
        for (const client of members) seen.add(client);
      }
      for (const client of seen) countClient(client);
    }
  }
  return { clientsOfTab: clientCounts, tabsOfClient: tabCounts };
}
