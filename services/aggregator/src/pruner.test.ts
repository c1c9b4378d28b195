import type { TabTypeName } from '@taba/common';
import {
  ALL_CLIENTS,
  compactCell,
  createHandlerRegistry,
  encodeTabOps,
  ManualClock,
  partitionOf,
  RedisShards,
  readCell,
  readStoredStates,
  redisKeys,
  stateFromStored,
  stateToOps,
} from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../../libs/common/src/test-support/tab-events.js';
import { foldEvents } from '../../../libs/common/src/test-support/tab-events.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { Pruner } from './pruner.js';
import { defineCommitScript, runCommit } from './redis/commit-script.js';
import { definePruneScripts } from './redis/prune-scripts.js';

const NOW = Math.floor(Date.now() / 1000);
const server = useRedisServer();
let redis: Redis;
let shards: RedisShards;
beforeAll(() => {
  redis = new Redis(server().url);
  defineCommitScript(redis);
  definePruneScripts(redis);
  shards = new RedisShards([server().url], { partitionCount: 1024 });
});
afterAll(async () => {
  await redis.quit();
  await shards.close();
});
beforeEach(async () => {
  await redis.flushall();
});

const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock });

async function write(
  type: TabTypeName,
  name: string,
  client: string,
  events: ClientEvent[],
  seq: number,
) {
  const handler = registry[type];
  const delta = foldEvents(handler, handler.create({}), events);
  const ops = stateToOps(type, delta, { client, uniqPrefix: String(seq), bufferCapacity: 1000 });
  await runCommit(
    redis,
    [
      {
        partition: partitionOf(name, 1024),
        client,
        seq,
        tabs: [{ name, spec: type, delta: encodeTabOps(ops) }],
      },
    ],
    Date.now(),
  );
}

async function render(type: TabTypeName, name: string, client = ALL_CLIENTS) {
  const stored = await readStoredStates(
    redis,
    partitionOf(name, 1024),
    name,
    type,
    [client],
    clock.nowSeconds(),
  );
  const state = stateFromStored(
    registry[type],
    {},
    stored.get(client) ?? { hash: {}, buffer: [], registers: new Map() },
  );
  return registry[type].render(state, 'aggregate');
}

async function cellFields(name: string, client: string): Promise<string[]> {
  const value = await redis.getBuffer(redisKeys.cell(partitionOf(name, 1024), name, client));
  return value ? Object.keys(readCell(value, clock.nowSeconds()).hash) : [];
}

function pruner(partitions: number[]) {
  return new Pruner(shards, clock, { idleClientSeconds: 86_400, partitions: () => partitions });
}

describe('Pruner', () => {
  it('drops buckets that left their windows, keeps lifetime data and every render unchanged', async () => {
    const name = 'bid.price';
    await write(
      'COUNTER_GROUP',
      name,
      'c1',
      [{ clientId: 'c1', timestamp: NOW - 30, value: 2 }],
      1,
    );
    clock.set(NOW + 100_000);
    const before = await render('COUNTER_GROUP', name);
    const fieldsBefore = await cellFields(name, ALL_CLIENTS);
    const report = await pruner([partitionOf(name, 1024)]).runOnce();
    const fieldsAfter = await cellFields(name, ALL_CLIENTS);
    expect(fieldsBefore.filter(field => /^[ct]\d:/.test(field))).toHaveLength(8);
    expect(fieldsAfter.filter(field => /^[ct]\d:/.test(field))).toEqual([]);
    expect(fieldsAfter).toContain('lc');
    expect(report.deleted).toBe(16);
    expect(await render('COUNTER_GROUP', name)).toEqual(before);
    clock.set(NOW);
  });

  it('forgets an expired gauge client and the high-water marks of idle clients', async () => {
    const name = 'service.state';
    const partition = partitionOf(name, 1024);
    await write('GAUGE', name, 'c1', [{ clientId: 'c1', timestamp: NOW, value: 'ok' }], 4);
    await write('GAUGE', name, 'c2', [{ clientId: 'c2', timestamp: NOW, value: 'ok' }], 4);
    clock.set(NOW + 172_800 + 1);
    const report = await pruner([partition]).runOnce();
    expect(report.forgottenMarks).toBe(2);
    expect(await redis.smembers(redisKeys.clients(partition, name))).toEqual([]);
    expect(await redis.exists(redisKeys.cell(partition, name, 'c1'))).toBe(0);
    expect(await redis.hgetall(redisKeys.highWaterMarks(partition))).toEqual({});
    expect(await render('GAUGE', name)).toEqual({ values: {} });
    clock.set(NOW);
  });

  it('keeps a Delta appended after the compactor read the cell; a second compactor does nothing', async () => {
    const name = 'service.state';
    const partition = partitionOf(name, 1024);
    const key = redisKeys.cell(partition, name, 'c1');
    await write('GAUGE', name, 'c1', [{ clientId: 'c1', timestamp: NOW, value: 'ok' }], 1);
    clock.set(NOW + 172_800 + 1);
    const stale = await redis.getBuffer(key);
    const { base } = compactCell('GAUGE', stale ?? Buffer.alloc(0), clock.nowSeconds());
    expect(base).toBeUndefined();
    // A newer value lands between the read and the write: the compaction keeps it.
    await write(
      'GAUGE',
      name,
      'c1',
      [{ clientId: 'c1', timestamp: NOW + 172_800, value: 'new' }],
      2,
    );
    const args = (read: Buffer) =>
      [
        3,
        key,
        redisKeys.clients(partition, name),
        redisKeys.tabsOfClient(partition, 'c1'),
        read,
        '',
        'c1',
        name,
        '1',
      ] as const;
    expect(await redis.tabaCompactV1(...args(stale ?? Buffer.alloc(0)))).toBe(1);
    expect(await render('GAUGE', name, 'c1')).toEqual({ values: { new: 1 } });
    // The same stale read again (a second owner during a hand-off): the cell no longer starts
    // with it, so nothing happens.
    const after = await redis.getBuffer(key);
    expect(await redis.tabaCompactV1(...args(stale ?? Buffer.alloc(0)))).toBe(0);
    expect(await redis.getBuffer(key)).toEqual(after);
    expect(await redis.smembers(redisKeys.clients(partition, name))).toEqual(['c1']);
    clock.set(NOW);
  });
});
