import type { RedisShards } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { TypeCache } from './type-cache.js';

/** Shards whose HGETs answer from `stored`, counting the names asked and releasing on demand. */
function fakeShards(stored: Record<string, string>) {
  const asked: string[] = [];
  let fail: Error | undefined;
  const gates: (() => void)[] = [];
  const shards = {
    shardOf: (partition: number) => `shard-${partition % 2}`,
    connection: () => ({
      pipeline: () => {
        const names: string[] = [];
        return {
          hget: (_key: string, name: string) => names.push(name),
          exec: async () => {
            asked.push(...names);
            await new Promise<void>(resolve => gates.push(resolve));
            if (fail) throw fail;
            return names.map(name => [null, stored[name] ?? null]);
          },
        };
      },
    }),
  };
  return {
    shards: shards as unknown as RedisShards,
    asked,
    failWith: (error: Error | undefined) => {
      fail = error;
    },
    /** Lets every read issued so far answer. */
    release: async () => {
      await Promise.resolve();
      for (const gate of gates.splice(0)) gate();
    },
  };
}

describe('TypeCache', () => {
  it('asks once per distinct name, then answers from the cache until the entry expires', async () => {
    let now = 0;
    const redis = fakeShards({ a: 'GAUGE', b: 'HISTOGRAM:1,5' });
    const cache = new TypeCache(redis.shards, 16, 100, () => now);
    const first = cache.lookup(['a', 'b', 'a', 'c']);
    await redis.release();
    expect([...(await first)].sort()).toEqual([
      ['a', 'GAUGE'],
      ['b', 'HISTOGRAM:1,5'],
    ]);
    expect(redis.asked.sort()).toEqual(['a', 'b', 'c']);
    expect([cache.hits, cache.misses]).toEqual([0, 3]);

    const second = await cache.lookup(['a', 'b', 'b']);
    expect(second.get('b')).toBe('HISTOGRAM:1,5');
    expect([cache.hits, cache.misses]).toEqual([2, 3]);

    now = 101;
    const third = cache.lookup(['a']);
    await redis.release();
    expect((await third).get('a')).toBe('GAUGE');
    expect(redis.asked.filter(name => name === 'a')).toHaveLength(2);
  });

  it('lets concurrent lookups of a name share one read', async () => {
    const redis = fakeShards({ a: 'GAUGE', b: 'UNIQUE' });
    const cache = new TypeCache(redis.shards, 16, 1000, () => 0);
    const first = cache.lookup(['a', 'b']);
    const second = cache.lookup(['b', 'a', 'c']);
    await redis.release();
    await redis.release();
    expect(await first).toEqual(
      new Map([
        ['a', 'GAUGE'],
        ['b', 'UNIQUE'],
      ]),
    );
    expect(await second).toEqual(
      new Map([
        ['b', 'UNIQUE'],
        ['a', 'GAUGE'],
      ]),
    );
    expect(redis.asked.sort()).toEqual(['a', 'b', 'c']);
    expect(cache.misses).toBe(5);
  });

  it('fails every lookup that shares a failed read, and reads again afterwards', async () => {
    const redis = fakeShards({ a: 'GAUGE' });
    const cache = new TypeCache(redis.shards, 16, 1000, () => 0);
    redis.failWith(new Error('connection lost'));
    const first = cache.lookup(['a']);
    const second = cache.lookup(['a']);
    await redis.release();
    await expect(first).rejects.toMatchObject({ reason: 'REDIS_UNAVAILABLE' });
    await expect(second).rejects.toMatchObject({ reason: 'REDIS_UNAVAILABLE' });
    expect(redis.asked).toEqual(['a']);

    redis.failWith(undefined);
    const third = cache.lookup(['a']);
    await redis.release();
    expect((await third).get('a')).toBe('GAUGE');
    expect(redis.asked).toEqual(['a', 'a']);
  });
});
