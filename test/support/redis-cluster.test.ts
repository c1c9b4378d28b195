import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisCluster } from './redis-cluster.js';
import { startRedisCluster } from './redis-cluster.js';

/** Moves a value from one key to another of the same hash tag, atomically. */
const MOVE_SCRIPT = `
local value = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[2], value)
redis.call('DEL', KEYS[1])
return value`;

function clusterClient(cluster: RedisCluster): Cluster {
  const client = new Cluster([...cluster.nodes], {
    scaleReads: 'master',
    enableReadyCheck: true,
    redisOptions: { commandTimeout: 2000, connectTimeout: 1000 },
  });
  client.on('error', () => {});
  client.on('node error', () => {});
  return client;
}

/** The `host:port` of the master that serves a key's slot, asked from the cluster. */
async function masterOfKey(client: Cluster, key: string): Promise<string> {
  const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
  const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`no node serves slot ${slot}`);
  return `${range[2][0]}:${range[2][1]}`;
}

describe('startRedisCluster', () => {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;
  const connected = (): Cluster => {
    if (!client) throw new Error('the cluster client is only available inside tests');
    return client;
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ replicasPerMaster: 1 });
    client = clusterClient(cluster);
  });
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('serves every slot from three masters, each with one replica', async () => {
    const { url, nodes } = cluster ?? { url: '', nodes: [] };
    expect(nodes).toHaveLength(6);
    const seeds = nodes.slice(0, 3).map(({ port }) => `127.0.0.1:${port}`);
    expect(url).toBe(`redis+cluster://${seeds.join(',')}`);
    const info = String(await connected().call('CLUSTER', 'INFO'));
    expect(info).toContain('cluster_state:ok');
    expect(info).toContain('cluster_size:3');
    const roles = String(await connected().call('CLUSTER', 'NODES'))
      .trim()
      .split('\n')
      .map(line => (line.split(' ')[2]?.includes('master') ? 'master' : 'replica'));
    expect(roles.filter(role => role === 'master')).toHaveLength(3);
    expect(roles.filter(role => role === 'replica')).toHaveLength(3);
  });

  it('runs one EVAL over two keys of one hash tag', async () => {
    const redis = connected();
    await redis.set('{p7}:a', 'moved');
    await redis.del('{p7}:b');
    expect(await redis.eval(MOVE_SCRIPT, 2, '{p7}:a', '{p7}:b')).toBe('moved');
    expect(await redis.mget('{p7}:a', '{p7}:b')).toEqual([null, 'moved']);
  });

  it('refuses one EVAL over keys of different hash tags (CROSSSLOT)', async () => {
    await expect(connected().eval(MOVE_SCRIPT, 2, '{p7}:a', '{p8}:b')).rejects.toThrow(/CROSSSLOT/);
  });

  it('puts keys of different hash tags on different masters', async () => {
    const redis = connected();
    const masters = new Set<string>();
    for (let partition = 0; partition < 64; partition += 1) {
      masters.add(await masterOfKey(redis, `{p${partition}}:a`));
    }
    expect(masters.size).toBe(3);
    // Same tag, same slot: the tag decides, not the rest of the key.
    expect(await redis.call('CLUSTER', 'KEYSLOT', '{p7}:a')).toBe(
      await redis.call('CLUSTER', 'KEYSLOT', '{p7}:something-else'),
    );
  });

  it('runs MULTI and pipelines within one hash tag', async () => {
    const redis = connected();
    const transaction = await redis
      .multi()
      .set('{p9}:x', '1')
      .incr('{p9}:x')
      .hset('{p9}:h', 'f', 'v')
      .exec();
    expect(transaction).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, 1],
    ]);
    const pipelined = await redis.pipeline().get('{p9}:x').hget('{p9}:h', 'f').exec();
    expect(pipelined).toEqual([
      [null, '2'],
      [null, 'v'],
    ]);
  });
});
