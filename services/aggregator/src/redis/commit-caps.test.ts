import {
  ALL_CLIENTS,
  createHandlerRegistry,
  encodeTabOps,
  ManualClock,
  partitionOf,
  readStoredStates,
  redisKeys,
  stateFromStored,
  stateToOps,
  typeSpec,
} from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldEvents, paramsFor } from '../../../../libs/common/src/test-support/tab-events.js';
import { useRedisServer } from '../../../../test/support/redis-server.js';
import type { CallCaps, CommitPart } from './commit-args.js';
import { defineCommitScript, runCommitThenWait } from './commit-script.js';

const NOW = Math.floor(Date.now() / 1000);
const registry = createHandlerRegistry({ clock: new ManualClock(NOW), settings: {} });
const counter = registry.COUNTER_GROUP;
const server = useRedisServer();
let redis: Redis;

beforeAll(() => {
  redis = new Redis(server().url, { lazyConnect: false });
  defineCommitScript(redis);
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  await redis.flushall();
});

/** One client's `count` events of a COUNTER_GROUP Tab, as the part of its partition. */
function part(name: string, client: string, count: number, seq: number): CommitPart {
  const events = Array.from({ length: count }, () => ({
    clientId: client,
    timestamp: NOW - 1,
    value: 1,
  }));
  const delta = foldEvents(counter, counter.create(paramsFor('COUNTER_GROUP')), events);
  const ops = stateToOps('COUNTER_GROUP', delta, {
    client,
    uniqPrefix: String(seq),
    bufferCapacity: 0,
  });
  return {
    partition: partitionOf(name, 1024),
    client,
    seq,
    tabs: [{ name, spec: typeSpec('COUNTER_GROUP'), delta: encodeTabOps(ops) }],
  };
}

function caps(overrides: Partial<CallCaps>): CallCaps {
  return { maxClientsPerTab: 0, newTabsOfClient: new Map(), ...overrides };
}

async function lifetimeCount(name: string, client = ALL_CLIENTS): Promise<number> {
  const partition = partitionOf(name, 1024);
  const stored = await readStoredStates(redis, partition, name, 'COUNTER_GROUP', [client], NOW);
  const state = stateFromStored(
    counter,
    paramsFor('COUNTER_GROUP'),
    stored.get(client) ?? { hash: {}, buffer: [], registers: new Map() },
  );
  return (counter.render(state, 'aggregate').lifetime as { count: number }).count;
}

const commit = (parts: CommitPart[], callCaps: CallCaps) =>
  runCommitThenWait(redis, parts, Date.now(), { replicas: 0, timeoutMs: 0, caps: callCaps });

describe('commit script: cardinality caps', () => {
  it('creates only as many new Tabs as the client may still have, applies the rest of the batch', async () => {
    const names = ['t.a', 't.b', 't.c', 't.d', 't.e'];
    const result = await commit(
      names.map(name => part(name, 'c1', 2, 1)),
      caps({ newTabsOfClient: new Map([['c1', 3]]) }),
    );
    const refused = result.outcomes.map(outcome => [...(outcome.refusedTabs?.entries() ?? [])]);
    expect(refused).toEqual([
      [],
      [],
      [],
      [['t.d', 'TABS_PER_CLIENT']],
      [['t.e', 'TABS_PER_CLIENT']],
    ]);
    expect(result.created.tabs).toBe(3);
    expect([...result.created.cellsOf]).toEqual([['c1', 3]]);
    for (const name of ['t.a', 't.b', 't.c']) expect(await lifetimeCount(name)).toBe(2);
    for (const name of ['t.d', 't.e']) {
      const p = partitionOf(name, 1024);
      expect(await redis.exists(redisKeys.cell(p, name, 'c1'))).toBe(0);
      expect(await redis.exists(redisKeys.cell(p, name, ALL_CLIENTS))).toBe(0);
      expect(await redis.hget(redisKeys.types(p), name)).toBeNull();
      expect(await redis.sismember(redisKeys.tabsOfClient(p, 'c1'), name)).toBe(0);
    }
    // The mark advanced: the batch counts as applied, its refused Tabs are reported, not retried.
    expect(await redis.hget(redisKeys.highWaterMarks(partitionOf('t.d', 1024)), 'c1')).toBe('1');
  });

  it('keeps writing the Tabs a client already has when it has no budget left', async () => {
    await commit([part('t.a', 'c1', 1, 1)], caps({}));
    const result = await commit(
      [part('t.a', 'c1', 4, 2), part('t.new', 'c1', 1, 2)],
      caps({ newTabsOfClient: new Map([['c1', 0]]) }),
    );
    expect(result.outcomes.map(outcome => outcome.refusedTabs?.size ?? 0)).toEqual([0, 1]);
    expect(await lifetimeCount('t.a')).toBe(5);
    expect(result.created.tabs).toBe(0);
  });

  it('refuses new clients of a full Tab and leaves their events out of the all-clients State', async () => {
    await commit([part('t.x', 'a', 1, 1), part('t.x', 'b', 1, 1)], caps({}));
    const result = await commit(
      [part('t.x', 'c', 10, 1), part('t.x', 'a', 3, 2), part('t.x', 'd', 100, 1)],
      caps({ maxClientsPerTab: 2 }),
    );
    expect(result.outcomes.map(outcome => [...(outcome.refusedTabs?.entries() ?? [])])).toEqual([
      [['t.x', 'CLIENTS_PER_TAB']],
      [],
      [['t.x', 'CLIENTS_PER_TAB']],
    ]);
    const p = partitionOf('t.x', 1024);
    expect((await redis.smembers(redisKeys.clients(p, 't.x'))).sort()).toEqual(['a', 'b']);
    expect(await redis.exists(redisKeys.cell(p, 't.x', 'c'))).toBe(0);
    // 1 + 1 before, then only a's 3: c's 10 and d's 100 are not in the total.
    expect(await lifetimeCount('t.x')).toBe(5);
    expect(await lifetimeCount('t.x', 'a')).toBe(4);
  });

  it('creates no more Tabs in all than the call may; another client may still join an existing Tab', async () => {
    await commit([part('t.old', 'a', 1, 1)], caps({}));
    const result = await commit(
      [part('t.one', 'a', 1, 2), part('t.two', 'b', 1, 1), part('t.old', 'b', 1, 2)],
      caps({ newTabs: 1 }),
    );
    expect(result.outcomes.map(outcome => [...(outcome.refusedTabs?.entries() ?? [])])).toEqual([
      [],
      [['t.two', 'TABS']],
      [],
    ]);
    expect(result.created.tabs).toBe(1);
    expect(await redis.hget(redisKeys.types(partitionOf('t.two', 1024)), 't.two')).toBeNull();
    expect(await lifetimeCount('t.old')).toBe(2);
  });
});
