import type { TabTypeName } from '@taba/common';
import {
  ALL_CLIENTS,
  createHandlerRegistry,
  encodeTabOps,
  ManualClock,
  partitionOf,
  RedisShards,
  redisKeys,
  stateToOps,
  typeSpec,
} from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldEvents, paramsFor } from '../../../libs/common/src/test-support/tab-events.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { Pruner } from './pruner.js';
import type { CommitPart } from './redis/commit-args.js';
import { defineCommitScript, runCommit } from './redis/commit-script.js';

const NOW = Math.floor(Date.now() / 1000);
const PARTITIONS = 64;
const IDLE_SECONDS = 600;
const server = useRedisServer();
const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock });
let redis: Redis;
let shards: RedisShards;

beforeAll(() => {
  redis = new Redis(server().url);
  defineCommitScript(redis);
  shards = new RedisShards([server().url], { partitionCount: PARTITIONS });
});
afterAll(async () => {
  await redis.quit();
  await shards.close();
});
beforeEach(async () => {
  await redis.flushall();
  clock.set(NOW);
});

/** The types whose States nothing else prunes (lifetime data never leaves them). */
const NEVER_PRUNED: TabTypeName[] = ['COUNTER_GROUP', 'TOTALS_COUNTER', 'UNIQUE', 'HISTOGRAM'];

function part(type: TabTypeName, name: string, client: string, seq: number): CommitPart {
  const handler = registry[type];
  const event = {
    clientId: client,
    timestamp: clock.nowSeconds() - 1,
    value: type === 'UNIQUE' ? 'u1' : 3,
  };
  const delta = foldEvents(handler, handler.create(paramsFor(type)), [event]);
  const ops = stateToOps(type, delta, { client, uniqPrefix: String(seq), bufferCapacity: 10 });
  return {
    partition: partitionOf(name, PARTITIONS),
    client,
    seq,
    tabs: [{ name, spec: typeSpec(type, paramsFor(type).bounds), delta: encodeTabOps(ops) }],
  };
}

const write = (parts: CommitPart[]) => runCommit(redis, parts, clock.nowSeconds() * 1000);

function pruner(
  stateIdleSeconds: number,
  partitions = Array.from({ length: PARTITIONS }, (_, p) => p),
) {
  return new Pruner(shards, clock, {
    idleClientSeconds: 86_400,
    stateIdleSeconds,
    partitions: () => partitions,
  });
}

const cellExists = (name: string, client: string) =>
  redis.exists(redisKeys.cell(partitionOf(name, PARTITIONS), name, client));

describe('Pruner: idle States expire', () => {
  it.each(NEVER_PRUNED)(
    'deletes idle %s States per client, then the Tab once no client is left',
    async type => {
      const name = `idle.${type.toLowerCase()}`;
      const partition = partitionOf(name, PARTITIONS);
      await write([part(type, name, 'quiet', 1), part(type, name, 'busy', 1)]);
      const prune = pruner(IDLE_SECONDS, [partition]);
      await prune.runOnce(); // compacts: no records past the bases now
      clock.set(NOW + 60);
      await prune.runOnce(); // finds both idle: marked
      clock.set(NOW + 300);
      await write([part(type, name, 'busy', 2)]);
      clock.set(NOW + 60 + IDLE_SECONDS);
      const first = await prune.runOnce();
      expect(first.expired).toBe(1);
      expect(await cellExists(name, 'quiet')).toBe(0);
      expect(await cellExists(name, 'busy')).toBe(1);
      expect(await cellExists(name, ALL_CLIENTS)).toBe(1);
      expect(await redis.smembers(redisKeys.clients(partition, name))).toEqual(['busy']);
      expect(await redis.exists(redisKeys.tabsOfClient(partition, 'quiet'))).toBe(0);

      // busy goes quiet too: its cell, then the all-clients cell and the Tab go in one pass.
      clock.set(NOW + 2000);
      await prune.runOnce();
      clock.set(NOW + 2000 + IDLE_SECONDS);
      const last = await prune.runOnce();
      expect(last.expired).toBe(2);
      expect(await redis.hget(redisKeys.types(partition), name)).toBeNull();
      expect(await redis.keys(`*${name}*`)).toEqual([]);
      expect(await redis.hlen(redisKeys.idleSince(partition))).toBe(0);
    },
  );

  it('never expires anything while TABA_STATE_IDLE_SECONDS is 0', async () => {
    const name = 'idle.off';
    await write([part('COUNTER_GROUP', name, 'c1', 1)]);
    const prune = pruner(0);
    for (const at of [0, 60, 10_000, 1_000_000]) {
      clock.set(NOW + at);
      expect((await prune.runOnce()).expired).toBe(0);
    }
    expect(await cellExists(name, 'c1')).toBe(1);
    expect(await redis.exists(redisKeys.idleSince(partitionOf(name, PARTITIONS)))).toBe(0);
  });
});

describe('Pruner: bounded and robust', () => {
  it('counts a failing partition and prunes the others', async () => {
    const bad = 'broken.tab';
    let good = 'good.0';
    for (let i = 1; partitionOf(good, PARTITIONS) === partitionOf(bad, PARTITIONS); i += 1)
      good = `good.${i}`;
    await write([part('COUNTER_GROUP', bad, 'c1', 1), part('COUNTER_GROUP', good, 'c1', 1)]);
    // A corrupt cell: shorter than its header.
    await redis.set(redisKeys.cell(partitionOf(bad, PARTITIONS), bad, 'c1'), 'x');
    const prune = pruner(0, [partitionOf(bad, PARTITIONS), partitionOf(good, PARTITIONS)]);
    const report = await prune.runOnce();
    expect(report).toMatchObject({ partitions: 2, failedPartitions: 1 });
    expect(prune.totals.failedPartitions).toBe(1);
    // The good partition's cells were compacted (their records merged into the base).
    const value = await redis.getBuffer(redisKeys.cell(partitionOf(good, PARTITIONS), good, 'c1'));
    expect(value?.readUInt32LE(0)).toBe((value?.length ?? 0) - 4);
  });

  it('prunes a Tab of 20,000 clients and forgets 20,000 idle marks', async () => {
    const name = 'wide.tab';
    const partition = partitionOf(name, PARTITIONS);
    const parts = Array.from({ length: 20_000 }, (_, i) =>
      part('TOTALS_COUNTER', name, `c-${i}`, 1),
    );
    for (let at = 0; at < parts.length; at += 2000) await write(parts.slice(at, at + 2000));
    clock.set(NOW + 2 * 86_400);
    const report = await pruner(0, [partition]).runOnce();
    expect(report).toMatchObject({ states: 20_001, forgottenMarks: 20_000, failedPartitions: 0 });
    expect(await redis.hlen(redisKeys.highWaterMarks(partition))).toBe(0);
  });
});
