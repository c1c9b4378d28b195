import type { AnyTabHandler, TabTypeName } from '@taba/common';
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
  TAB_TYPES,
  typeSpec,
} from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../libs/common/src/test-support/seeded-random.js';
import type { ClientEvent } from '../../../../libs/common/src/test-support/tab-events.js';
import {
  foldEvents,
  generateEvents,
  paramsFor,
} from '../../../../libs/common/src/test-support/tab-events.js';
import { useRedisServer } from '../../../../test/support/redis-server.js';
import type { CommitPart, Mark, PartOutcome, PartStatus } from './commit-args.js';
import { defineCommitScript, runCommit } from './commit-script.js';

const NOW = Math.floor(Date.now() / 1000);
const CLIENTS = ['bidder-1', 'bidder-2', 'bidder-3'];
const BUFFER_CAPACITY = 40;
const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock, settings: { bufferCapacity: BUFFER_CAPACITY } });
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

function specOf(type: TabTypeName): string {
  return typeSpec(type, paramsFor(type).bounds);
}

/** Folds one client's events into a Delta and turns it into a commit part. */
function partFor(
  type: TabTypeName,
  name: string,
  client: string,
  events: ClientEvent[],
  seq: number,
): CommitPart {
  const handler = registry[type];
  const delta = foldEvents(handler, handler.create(paramsFor(type)), events);
  const ops = stateToOps(type, delta, {
    client,
    uniqPrefix: String(seq),
    bufferCapacity: BUFFER_CAPACITY,
  });
  return {
    partition: partitionOf(name, 1024),
    client,
    seq,
    tabs: [{ name, spec: specOf(type), delta: encodeTabOps(ops) }],
  };
}

async function readRender(handler: AnyTabHandler, type: TabTypeName, name: string, client: string) {
  const stored = await readStoredStates(redis, partitionOf(name, 1024), name, type, [client], NOW);
  const state = stateFromStored(
    handler,
    paramsFor(type),
    stored.get(client) ?? { hash: {}, buffer: [], registers: new Map() },
  );
  return handler.render(state, client === ALL_CLIENTS ? 'aggregate' : 'projection');
}

describe.each(TAB_TYPES)('%s through Redis', type => {
  it('renders from Redis exactly what the pure merge renders, per client and over all clients', async () => {
    const handler = registry[type];
    const random = new SeededRandom(31);
    let events = generateEvents(type, random, 600, NOW, CLIENTS);
    if (type === 'BUFFER') {
      // Ties at the capacity boundary may break differently in a sorted set: keep timestamps distinct.
      events = events.map((event, i) => ({ ...event, timestamp: NOW - i * 0.5 }));
    }
    const name = `tab.${type.toLowerCase()}`;
    const byClient = CLIENTS.map(client => events.filter(event => event.clientId === client));
    // Two commits per client (two batches), in one script call and in a second one.
    const parts = byClient.flatMap((list, c) => {
      const half = Math.floor(list.length / 2);
      const client = CLIENTS[c] ?? '';
      return [
        partFor(type, name, client, list.slice(0, half), 1),
        partFor(type, name, client, list.slice(half), 2),
      ];
    });
    await runCommit(
      redis,
      parts.filter((_, i) => i % 2 === 0),
      Date.now(),
    );
    await runCommit(
      redis,
      parts.filter((_, i) => i % 2 === 1),
      Date.now(),
    );

    const whole = foldEvents(handler, handler.create(paramsFor(type)), events);
    expect(await readRender(handler, type, name, ALL_CLIENTS)).toEqual(
      handler.render(whole, 'aggregate'),
    );
    for (const [c, client] of CLIENTS.entries()) {
      const own = foldEvents(handler, handler.create(paramsFor(type)), byClient[c] ?? []);
      expect(await readRender(handler, type, name, client)).toEqual(
        handler.render(own, 'projection'),
      );
    }
  });
});

describe('commit script', () => {
  const name = 'bid.price';
  const events = (value: number): ClientEvent[] => [{ clientId: 'c1', timestamp: NOW - 1, value }];
  const counter = registry.COUNTER_GROUP;
  const lifetimeCount = async () =>
    ((await readRender(counter, 'COUNTER_GROUP', name, ALL_CLIENTS)).lifetime as { count: number })
      .count;

  const outcome = (
    status: PartStatus,
    mark: Mark = { session: 0, seq: 0 },
    conflicts = new Map<string, string>(),
  ): PartOutcome => ({ status, mark, conflicts });

  it('applies a (client, seq) once: a resend of the mark is a duplicate, a lower seq is refused; seq 0 always applies', async () => {
    const part = partFor('COUNTER_GROUP', name, 'c1', events(5), 7);
    expect(await runCommit(redis, [part], Date.now())).toEqual([outcome('applied')]);
    expect(await runCommit(redis, [part], Date.now())).toEqual([
      outcome('duplicate', { session: 0, seq: 7 }),
    ]);
    expect(await runCommit(redis, [{ ...part, seq: 6 }], Date.now())).toEqual([
      outcome('SEQ_REGRESSION', { session: 0, seq: 7 }),
    ]);
    expect(await lifetimeCount()).toBe(1);
    await runCommit(redis, [{ ...part, seq: 0 }], Date.now());
    await runCommit(redis, [{ ...part, seq: 0 }], Date.now());
    expect(await lifetimeCount()).toBe(3);
    expect(await redis.hget(redisKeys.highWaterMarks(part.partition), 'c1')).toBe('7');
  });

  it('lets a newer session take over whatever the seq; an older session is fenced', async () => {
    const poison = partFor('COUNTER_GROUP', name, 'c1', events(5), Number.MAX_SAFE_INTEGER);
    expect(await runCommit(redis, [poison], Date.now())).toEqual([outcome('applied')]);
    const session = 1_780_000_000_000_123;
    const fresh = { ...partFor('COUNTER_GROUP', name, 'c1', events(5), 3), session };
    expect(await runCommit(redis, [fresh], Date.now())).toEqual([
      outcome('applied', { session: 0, seq: Number.MAX_SAFE_INTEGER }),
    ]);
    expect(await redis.hget(redisKeys.highWaterMarks(fresh.partition), 'c1')).toBe(`${session}:3`);
    expect(await runCommit(redis, [fresh], Date.now())).toEqual([
      outcome('duplicate', { session, seq: 3 }),
    ]);
    expect(await runCommit(redis, [{ ...fresh, seq: 2 }], Date.now())).toEqual([
      outcome('SEQ_REGRESSION', { session, seq: 3 }),
    ]);
    expect(
      await runCommit(redis, [{ ...fresh, session: session - 1, seq: 99 }], Date.now()),
    ).toEqual([outcome('SESSION_FENCED', { session, seq: 3 })]);
    expect(
      await runCommit(redis, [{ ...poison, seq: Number.MAX_SAFE_INTEGER - 1 }], Date.now()),
    ).toEqual([outcome('SESSION_FENCED', { session, seq: 3 })]);
    expect(await lifetimeCount()).toBe(2);
  });

  it('checks the parts of one call in order: a part twice applies once, an older session after a newer is fenced', async () => {
    const part = partFor('COUNTER_GROUP', name, 'c1', events(5), 4);
    expect(await runCommit(redis, [part, part], Date.now())).toEqual([
      outcome('applied'),
      outcome('duplicate', { session: 0, seq: 4 }),
    ]);
    const newer = { ...part, session: 20, seq: 1 };
    const older = { ...part, session: 10, seq: 9 };
    expect(await runCommit(redis, [newer, older], Date.now())).toEqual([
      outcome('applied', { session: 0, seq: 4 }),
      outcome('SESSION_FENCED', { session: 20, seq: 1 }),
    ]);
    expect(await redis.hget(redisKeys.highWaterMarks(part.partition), 'c1')).toBe('20:1');
    expect(await lifetimeCount()).toBe(2);
  });

  it('counts a fresh part once in the all-clients State when refused parts share its call', async () => {
    await runCommit(redis, [partFor('COUNTER_GROUP', name, 'c1', events(5), 5)], Date.now());
    const older = partFor('COUNTER_GROUP', name, 'c1', events(5), 4);
    const fresh = partFor('COUNTER_GROUP', name, 'c2', events(7), 1);
    expect(await runCommit(redis, [older, fresh], Date.now())).toEqual([
      outcome('SEQ_REGRESSION', { session: 0, seq: 5 }),
      outcome('applied'),
    ]);
    expect(await lifetimeCount()).toBe(2);
  });

  it('keeps the first type of a Tab and reports a conflicting one without applying it', async () => {
    await runCommit(redis, [partFor('COUNTER_GROUP', name, 'c1', events(5), 1)], Date.now());
    const gauge = partFor(
      'GAUGE',
      name,
      'c2',
      [{ clientId: 'c2', timestamp: NOW, value: 'up' }],
      1,
    );
    const [outcome] = await runCommit(redis, [gauge], Date.now());
    expect(outcome?.conflicts).toEqual(new Map([[name, 'COUNTER_GROUP']]));
    expect(await redis.exists(redisKeys.cell(gauge.partition, name, 'c2'))).toBe(0);
    // The part still counts as applied: its seq advanced.
    expect(await redis.hget(redisKeys.highWaterMarks(gauge.partition), 'c2')).toBe('1');
  });

  it('bumps the version of each partition once per call and indexes clients and Tabs', async () => {
    const a = partFor('COUNTER_GROUP', name, 'c1', events(1), 1);
    const b = partFor(
      'COUNTER_GROUP',
      name,
      'c2',
      [{ clientId: 'c2', timestamp: NOW, value: 2 }],
      1,
    );
    await runCommit(redis, [a, b], Date.now());
    expect(await redis.get(redisKeys.version(a.partition))).toBe('1');
    expect((await redis.smembers(redisKeys.clients(a.partition, name))).sort()).toEqual([
      'c1',
      'c2',
    ]);
    expect(await redis.smembers(redisKeys.tabsOfClient(a.partition, 'c2'))).toEqual([name]);
    expect(await redis.hget(redisKeys.types(a.partition), name)).toBe('COUNTER_GROUP');
  });

  it('counts a fresh part once in the all-clients State when a duplicate shares its call', async () => {
    const first = partFor('COUNTER_GROUP', name, 'c1', events(5), 1);
    await runCommit(redis, [first], Date.now());
    const fresh = partFor(
      'COUNTER_GROUP',
      name,
      'c2',
      [{ clientId: 'c2', timestamp: NOW, value: 7 }],
      1,
    );
    // The first is resent (a retry) next to a new part: the script names the duplicate, the
    // all-clients ops are merged again without it, and the call is run again.
    expect(await runCommit(redis, [first, fresh], Date.now())).toEqual([
      outcome('duplicate', { session: 0, seq: 1 }),
      outcome('applied'),
    ]);
    expect(await lifetimeCount()).toBe(2);
  });

  it('gives a new Tab the first type of a call; a second type in it conflicts and adds nothing', async () => {
    const counterPart = partFor('COUNTER_GROUP', name, 'c1', events(5), 1);
    const gaugePart = partFor(
      'GAUGE',
      name,
      'c2',
      [{ clientId: 'c2', timestamp: NOW, value: 'up' }],
      1,
    );
    expect(await runCommit(redis, [counterPart, gaugePart], Date.now())).toEqual([
      outcome('applied'),
      outcome('applied', undefined, new Map([[name, 'COUNTER_GROUP']])),
    ]);
    expect(await lifetimeCount()).toBe(1);
    const stored = await readStoredStates(
      redis,
      counterPart.partition,
      name,
      'COUNTER_GROUP',
      [ALL_CLIENTS],
      NOW,
    );
    expect(
      Object.keys(stored.get(ALL_CLIENTS)?.hash ?? {}).some(field => field.startsWith('g:')),
    ).toBe(false);
  });

  it('takes one call of 20,000 Tabs (far more arguments than a spread call takes)', async () => {
    // Rising seqs: parts sharing a partition are then successive batches, each applied.
    const parts = Array.from({ length: 20_000 }, (_, i) =>
      partFor('COUNTER_GROUP', `wide.${i}`, 'c1', events(1), i + 1),
    );
    const outcomes = await runCommit(redis, parts, Date.now());
    expect(outcomes).toHaveLength(20_000);
    expect(
      outcomes.every(({ status, conflicts }) => status === 'applied' && conflicts.size === 0),
    ).toBe(true);
    const stored = await readStoredStates(
      redis,
      parts[19_999]?.partition ?? 0,
      'wide.19999',
      'COUNTER_GROUP',
      [ALL_CLIENTS],
      NOW,
    );
    const state = stateFromStored(
      counter,
      {},
      stored.get(ALL_CLIENTS) ?? { hash: {}, buffer: [], registers: new Map() },
    );
    expect((counter.render(state, 'aggregate').lifetime as { count: number }).count).toBe(1);
  });

  it('writes nothing of a call Redis refuses for want of memory; the retry applies it once', async () => {
    const part = partFor('COUNTER_GROUP', name, 'c1', events(5), 3);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    try {
      await expect(runCommit(redis, [part], Date.now())).rejects.toThrow(/OOM/);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect(await redis.exists(redisKeys.cell(part.partition, name, 'c1'))).toBe(0);
    expect(await redis.hget(redisKeys.highWaterMarks(part.partition), 'c1')).toBeNull();
    await runCommit(redis, [part], Date.now());
    expect(await lifetimeCount()).toBe(1);
  });

  it('keeps a Unique of many registers in one cell and reads the same distinct count', async () => {
    const unique = registry.UNIQUE;
    const many: ClientEvent[] = Array.from({ length: 6000 }, (_, i) => ({
      clientId: 'c1',
      timestamp: NOW - 1,
      value: `user-${i}`,
    }));
    const part = partFor('UNIQUE', 'visitors', 'c1', many, 1);
    await runCommit(redis, [part], Date.now());
    expect(await redis.type(redisKeys.cell(part.partition, 'visitors', ALL_CLIENTS))).toBe(
      'string',
    );
    const pure = foldEvents(unique, unique.create({}), many);
    expect(await readRender(unique, 'UNIQUE', 'visitors', ALL_CLIENTS)).toEqual(
      unique.render(pure, 'aggregate'),
    );
  });
});
