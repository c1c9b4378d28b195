/**
 * The query service end to end: fixtures committed with the aggregator's own commit script into a
 * real redis-server, read back through a real `taba.internal.v1.Query` gRPC client on 127.0.0.1.
 * Each describe block uses its own Redis database, so their data never meet.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output, QueryClient, TabTypeName } from '@taba/common';
import {
  ALL_CLIENTS,
  compareCodePoints,
  createHandlerRegistry,
  encodeTabOps,
  ManualClock,
  partitionOf,
  REASON_METADATA_KEY,
  RedisShards,
  redisKeys,
  renderText,
  stateToOps,
  typeSpec,
} from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../libs/common/src/test-support/seeded-random.js';
import type { ClientEvent } from '../../../libs/common/src/test-support/tab-events.js';
import { foldEvents, generateEvents } from '../../../libs/common/src/test-support/tab-events.js';
import { freePort } from '../../../test/support/free-port.js';
import { connectQuery, deadlineIn, grpcErrorOf, unary } from '../../../test/support/grpc-client.js';
import type { InProcessService } from '../../../test/support/in-process-service.js';
import { startInProcess } from '../../../test/support/in-process-service.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import type { CommitPart } from '../../aggregator/src/redis/commit-args.js';
import { defineCommitScript, runCommit } from '../../aggregator/src/redis/commit-script.js';
import type { QueryConfig } from './config.js';
import { loadConfig } from './config.js';
import { createQueryService } from './server.js';

const NOW = Math.floor(Date.now() / 1000);
const PARTITIONS = 16;
const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock });
const redisServer = useRedisServer();

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

interface FixtureTab {
  readonly name: string;
  readonly type: TabTypeName;
  readonly bounds?: readonly number[];
  readonly events: readonly ClientEvent[];
}

const paramsOf = (tab: Pick<FixtureTab, 'type' | 'bounds'>) =>
  tab.type === 'HISTOGRAM' ? { bounds: tab.bounds ?? [] } : {};

/** Folds each client's events with the pure handler and commits them with the aggregator's script. */
async function commit(
  target: Redis | RedisShards,
  tab: FixtureTab,
  events = tab.events,
): Promise<void> {
  const handler = registry[tab.type];
  const byClient = new Map<string, ClientEvent[]>();
  for (const event of events)
    byClient.set(event.clientId, [...(byClient.get(event.clientId) ?? []), event]);
  const parts: CommitPart[] = [...byClient].map(([client, list]) => {
    const delta = foldEvents(handler, handler.create(paramsOf(tab)), list);
    const ops = stateToOps(tab.type, delta, { client, uniqPrefix: 'f', bufferCapacity: 1000 });
    return {
      partition: partitionOf(tab.name, PARTITIONS),
      client,
      seq: 0,
      tabs: [
        {
          name: tab.name,
          spec: typeSpec(tab.type, tab.bounds),
          delta: encodeTabOps(ops),
        },
      ],
    };
  });
  const partition = partitionOf(tab.name, PARTITIONS);
  const redis = target instanceof RedisShards ? target.forPartition(partition) : target;
  defineCommitScript(redis);
  await runCommit(redis, parts, Date.now());
}

/** What the pure handler renders for these events. */
function pureRender(
  tab: Pick<FixtureTab, 'type' | 'bounds'>,
  events: readonly ClientEvent[],
  view: 'aggregate' | 'projection' = 'aggregate',
  detail = false,
) {
  const handler = registry[tab.type];
  const state = foldEvents(handler, handler.create(paramsOf(tab)), events);
  return detail ? handler.renderDetail(state, view) : handler.render(state, view);
}

const of = (clients: readonly string[], events: readonly ClientEvent[]) =>
  events.filter(event => clients.includes(event.clientId));

async function openRedis(db: number): Promise<Redis> {
  const redis = new Redis(`${redisServer().url}/${db}`);
  defineCommitScript(redis);
  await redis.flushdb();
  return redis;
}

interface Harness {
  readonly service: InProcessService<QueryConfig>;
  readonly client: QueryClient;
  stop(): Promise<void>;
}

async function startQuery(db: number | string, env: Record<string, string> = {}): Promise<Harness> {
  const shard = typeof db === 'number' ? `${redisServer().url}/${db}` : db;
  const service = await startInProcess(
    {
      service: 'query',
      loadConfig,
      build: (config: QueryConfig, context) => createQueryService(config, context, { clock }),
    },
    {
      TABA_REDIS_SHARDS: shard,
      TABA_PARTITIONS: String(PARTITIONS),
      TABA_REDIS_COMMAND_TIMEOUT_MS: '2000',
      ...env,
    },
  );
  const client = connectQuery(service.running.address);
  return {
    service,
    client,
    stop: async () => {
      client.close();
      await service.running.stop();
    },
  };
}

type Filter = { names?: string[]; clients?: string[]; regex?: boolean };
type Mode = 'JSON' | 'TEXT' | 'DETAIL';

function api(client: () => QueryClient) {
  const options = () => ({ deadline: deadlineIn(5000) });
  return {
    aggregates: (filter: Filter, mode: Mode = 'JSON') =>
      unary<{ tabs: { name: string; type: string; body: string }[] }>(callback =>
        client().getAggregates({ filter, mode }, options(), callback),
      ),
    projections: (filter: Filter, mode: Mode = 'JSON') =>
      unary<{
        tabs: { name: string; type: string; clients: { clientId: string; body: string }[] }[];
      }>(callback => client().getProjections({ filter, mode }, options(), callback)),
    superAggregate: (filter: Filter, mode: Mode = 'JSON') =>
      unary<{ type: string; names: string[]; body: string }>(callback =>
        client().getSuperAggregate({ filter, mode }, options(), callback),
      ),
    names: async (filter: Filter = {}) =>
      (
        await unary<{ names: string[] }>(callback =>
          client().listNames({ filter }, options(), callback),
        )
      ).names,
    clients: async (filter: Filter = {}) =>
      (
        await unary<{ clientIds: string[] }>(callback =>
          client().listClients({ filter }, options(), callback),
        )
      ).clientIds,
    types: async (filter: Filter = {}) =>
      (
        await unary<{ types: { name: string; type: string; bounds: number[] }[] }>(callback =>
          client().listTypes({ filter }, options(), callback),
        )
      ).types,
    delete: async (filter: Filter) =>
      (
        await unary<{ deleted: string[] }>(callback =>
          client().deleteTabs({ filter }, options(), callback),
        )
      ).deleted,
    status: () =>
      unary<InstanceStatus__Output>(callback => client().getStatus({}, options(), callback)),
  };
}

function reasonOf(error: ServiceError): string | undefined {
  return error.metadata?.get(REASON_METADATA_KEY)[0]?.toString();
}

async function failure(call: Promise<unknown>) {
  const error = await grpcErrorOf(call);
  return { code: error.code, reason: reasonOf(error), details: error.details };
}

/** The exact value at quantile q as the sketch defines it: rank floor(q·(n−1)). */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

// ---------------------------------------------------------------------------------------------

const CLIENTS = ['c1', 'c2', 'c3'];
const random = new SeededRandom(7);
const numbers = (count: number, clients: readonly string[]) =>
  generateEvents('COUNTER_GROUP', random, count, NOW, clients);
const PATHOLOGICAL_NAME = `${'a'.repeat(32)}!`;

const TABS: readonly FixtureTab[] = [
  { name: 'bid.price', type: 'COUNTER_GROUP', events: numbers(90, CLIENTS) },
  { name: 'bid.count', type: 'COUNTER_GROUP', events: numbers(60, ['c1', 'c2']) },
  { name: 'latency', type: 'PERCENTILE_GROUP', events: numbers(300, CLIENTS) },
  {
    name: 'status',
    type: 'GAUGE',
    events: [
      { clientId: 'c1', timestamp: NOW - 10, value: 'up' },
      { clientId: 'c2', timestamp: NOW - 5, value: 'down' },
      { clientId: 'c3', timestamp: NOW - 1, value: 'up' },
    ],
  },
  {
    name: 'sizes',
    type: 'HISTOGRAM',
    bounds: [1, 5, 10],
    events: [0.5, 1, 2, 5, 7, 11, 40].map((value, i) => ({
      clientId: i % 2 === 0 ? 'c1' : 'c2',
      timestamp: NOW - i * 30,
      value,
    })),
  },
  {
    name: 'sizes.small',
    type: 'HISTOGRAM',
    bounds: [2, 4],
    events: [{ clientId: 'c3', timestamp: NOW - 3, value: 3 }],
  },
  {
    name: 'visitors',
    type: 'UNIQUE',
    events: ['u1', 'u2', 'u3', 'u2', 'u4'].map((value, i) => ({
      clientId: i < 3 ? 'c1' : 'c3',
      timestamp: NOW - i * 20,
      value,
    })),
  },
  {
    name: 'recent',
    type: 'BUFFER',
    events: ['x', 'y', 'z'].map((value, i) => ({
      clientId: i === 1 ? 'c2' : 'c1',
      timestamp: NOW - i,
      value,
      expiry: NOW + 3600,
    })),
  },
  {
    name: 'bytes.total',
    type: 'TOTALS_COUNTER',
    events: [
      { clientId: 'c3', timestamp: NOW - 2, value: 100 },
      { clientId: 'c3', timestamp: NOW - 1, value: 28 },
    ],
  },
  {
    name: PATHOLOGICAL_NAME,
    type: 'COUNTER_GROUP',
    events: [{ clientId: 'c1', timestamp: NOW, value: 1 }],
  },
];
const ALL_NAMES = TABS.map(tab => tab.name).sort(compareCodePoints);
const tabNamed = (name: string): FixtureTab => {
  const tab = TABS.find(candidate => candidate.name === name);
  if (!tab) throw new Error(`no fixture ${name}`);
  return tab;
};

describe('reads', () => {
  let redis: Redis;
  let harness: Harness;
  const query = api(() => harness.client);

  beforeAll(async () => {
    redis = await openRedis(0);
    for (const tab of TABS) await commit(redis, tab);
    harness = await startQuery(0);
  });
  afterAll(async () => {
    await harness?.stop();
    await redis?.quit();
  });

  it('aggregates over all clients equal the pure render of every event, for every type', async () => {
    const reply = await query.aggregates({});
    expect(reply.tabs.map(tab => tab.name)).toEqual(ALL_NAMES);
    for (const rendered of reply.tabs) {
      const tab = tabNamed(rendered.name);
      expect(rendered.type).toBe(tab.type);
      expect(JSON.parse(rendered.body), tab.name).toEqual(pureRender(tab, tab.events));
    }
  });

  it('counts, totals and averages are exact; percentiles within 1%', async () => {
    const tab = tabNamed('bid.price');
    const values = tab.events.map(event => Number(event.value));
    const total = values.reduce((sum, value) => sum + value, 0);
    const { tabs } = await query.aggregates({ names: ['bid.price'] });
    const body = JSON.parse(tabs[0]?.body ?? '{}');
    expect(body.lifetime).toMatchObject({ count: 90, total, average: total / 90 });
    const lastMinute = tab.events.filter(event => event.timestamp > NOW - 60);
    expect(body['1m'].count).toBe(lastMinute.length);
    for (const [key, q] of [
      ['p25', 0.25],
      ['p50', 0.5],
      ['p90', 0.9],
      ['p99', 0.99],
    ] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(body.lifetime.percentiles[key] - exact), key).toBeLessThanOrEqual(
        Math.abs(exact) * 0.01 + 1e-9,
      );
    }
    const gauge = JSON.parse((await query.aggregates({ names: ['status'] })).tabs[0]?.body ?? '');
    expect(gauge).toEqual({ values: { up: 2, down: 1 } });
  });

  it('with a client filter (list or regex) merges only those clients', async () => {
    const tab = tabNamed('bid.price');
    const listed = await query.aggregates({
      names: ['bid.price', 'status'],
      clients: ['c1', 'c2'],
    });
    expect(JSON.parse(listed.tabs[0]?.body ?? '')).toEqual(
      pureRender(tab, of(['c1', 'c2'], tab.events)),
    );
    expect(JSON.parse(listed.tabs[1]?.body ?? '')).toEqual({ values: { up: 1, down: 1 } });

    const matched = await query.aggregates({
      names: ['^bid\\.price$'],
      clients: ['^c[13]$'],
      regex: true,
    });
    expect(matched.tabs.map(t => t.name)).toEqual(['bid.price']);
    expect(JSON.parse(matched.tabs[0]?.body ?? '')).toEqual(
      pureRender(tab, of(['c1', 'c3'], tab.events)),
    );

    // Every Tab, but only the ones c3 wrote.
    const onlyC3 = await query.aggregates({ clients: ['c3'] });
    expect(onlyC3.tabs.map(t => t.name)).toEqual(
      TABS.filter(t => t.events.some(e => e.clientId === 'c3'))
        .map(t => t.name)
        .sort(compareCodePoints),
    );
    // An exact name no selected client wrote is still answered, over no client.
    const unwritten = await query.aggregates({ names: ['bytes.total'], clients: ['c1'] });
    expect(JSON.parse(unwritten.tabs[0]?.body ?? '')).toEqual({ count: 0, total: 0, average: 0 });
  });

  it('projections render each selected client of each Tab', async () => {
    const { tabs } = await query.projections({ names: ['bid.price', 'status'] });
    expect(tabs.map(t => [t.name, t.clients.map(c => c.clientId)])).toEqual([
      ['bid.price', CLIENTS],
      ['status', CLIENTS],
    ]);
    const price = tabNamed('bid.price');
    for (const projected of tabs[0]?.clients ?? []) {
      expect(JSON.parse(projected.body)).toEqual(
        pureRender(price, of([projected.clientId], price.events), 'projection'),
      );
    }
    expect(JSON.parse(tabs[1]?.clients[1]?.body ?? '')).toEqual({
      value: 'down',
      timestamp: NOW - 5,
      expires: NOW - 5 + 172_800,
    });

    const filtered = await query.projections({ names: ['^vis'], clients: ['3$'], regex: true });
    expect(filtered.tabs).toHaveLength(1);
    expect(filtered.tabs[0]?.clients.map(c => c.clientId)).toEqual(['c3']);
    expect(JSON.parse(filtered.tabs[0]?.clients[0]?.body ?? '').lifetime).toEqual({ distinct: 2 });
  });

  it('super-aggregates merge every selected Tab of one type', async () => {
    const reply = await query.superAggregate({ names: ['^bid\\.'], regex: true });
    expect(reply.type).toBe('COUNTER_GROUP');
    expect(reply.names).toEqual(['bid.count', 'bid.price']);
    const events = [...tabNamed('bid.count').events, ...tabNamed('bid.price').events];
    const body = JSON.parse(reply.body);
    expect(body).toEqual(pureRender({ type: 'COUNTER_GROUP' }, events));
    expect(body.lifetime.count).toBe(150);

    const filtered = await query.superAggregate({
      names: ['^bid\\.'],
      clients: ['^c3$'],
      regex: true,
    });
    expect(filtered.names).toEqual(['bid.price']);
    expect(JSON.parse(filtered.body).lifetime.count).toBe(
      of(['c3'], tabNamed('bid.price').events).length,
    );
  });

  it('refuses to super-aggregate mixed types (MIXED_TYPES) or histogram bounds (MIXED_BOUNDS)', async () => {
    const mixed = await failure(query.superAggregate({ names: ['status', 'bid.price'] }));
    expect(mixed).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'MIXED_TYPES' });
    expect(mixed.details).toContain('GAUGE (status)');
    expect(mixed.details).toContain('COUNTER_GROUP (bid.price)');

    const bounds = await failure(query.superAggregate({ names: ['^sizes'], regex: true }));
    expect(bounds).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'MIXED_BOUNDS' });
    expect(bounds.details).toContain('[1,5,10] (sizes)');

    const none = await failure(query.superAggregate({ names: ['^nothing'], regex: true }));
    expect(none).toMatchObject({ code: status.NOT_FOUND, reason: 'NO_TABS' });
  });

  it('lists names: all, only those a client wrote, by pattern', async () => {
    expect(await query.names()).toEqual(ALL_NAMES);
    expect(await query.names({ clients: ['c2'] })).toEqual([
      'bid.count',
      'bid.price',
      'latency',
      'recent',
      'sizes',
      'status',
    ]);
    expect(await query.names({ names: ['^bid\\.', 'total$'], regex: true })).toEqual([
      'bid.count',
      'bid.price',
      'bytes.total',
    ]);
    // Not anchored: "price" matches inside a name.
    expect(await query.names({ names: ['price'], regex: true })).toEqual(['bid.price']);
    expect(await query.names({ names: ['^nothing$'], regex: true })).toEqual([]);
  });

  it('lists clients and types (with histogram bounds)', async () => {
    expect(await query.clients()).toEqual(CLIENTS);
    expect(await query.clients({ names: ['visitors'] })).toEqual(['c1', 'c3']);
    expect(await query.clients({ clients: ['2$'], regex: true })).toEqual(['c2']);

    const types = await query.types();
    expect(types.map(t => t.name)).toEqual(ALL_NAMES);
    expect(types.find(t => t.name === 'sizes')).toEqual({
      name: 'sizes',
      type: 'HISTOGRAM',
      bounds: [1, 5, 10],
    });
    expect(types.find(t => t.name === 'recent')).toEqual({
      name: 'recent',
      type: 'BUFFER',
      bounds: [],
    });
  });

  it('renders TEXT and DETAIL', async () => {
    const tab = tabNamed('bid.price');
    const text = await query.aggregates({ names: ['bid.price'] }, 'TEXT');
    expect(text.tabs[0]?.body).toBe(renderText(pureRender(tab, tab.events)));
    expect(text.tabs[0]?.body).toMatch(/^1m\.count=\d+ 1m\.total=/);

    const detail = await query.aggregates({ names: ['bid.price'] }, 'DETAIL');
    const body = JSON.parse(detail.tabs[0]?.body ?? '');
    expect(body).toEqual(pureRender(tab, tab.events, 'aggregate', true));
    expect(body.series['1d'].length).toBeGreaterThan(0);

    const projected = await query.projections({ names: ['status'], clients: ['c1'] }, 'TEXT');
    expect(projected.tabs[0]?.clients[0]?.body).toBe(
      `value=up timestamp=${NOW - 10} expires=${NOW - 10 + 172_800}`,
    );
  });

  it('answers NOT_FOUND (UNKNOWN_TAB) for an exact name that does not exist', async () => {
    const missing = await failure(query.aggregates({ names: ['bid.price', 'nope'] }));
    expect(missing).toMatchObject({ code: status.NOT_FOUND, reason: 'UNKNOWN_TAB' });
    expect(missing.details).toContain('nope');
    expect(missing.details).not.toContain('bid.price');
    expect((await failure(query.projections({ names: ['nope'] }))).code).toBe(status.NOT_FOUND);
  });

  it('refuses bad patterns (BAD_REGEX) and bad filters (BAD_FILTER)', async () => {
    const syntax = await failure(query.aggregates({ names: ['(bid'], regex: true }));
    expect(syntax).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'BAD_REGEX' });
    expect(syntax.details).toContain('(bid');
    const long = await failure(query.names({ clients: ['c'.repeat(257)], regex: true }));
    expect(long).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'BAD_REGEX' });
    const empty = await failure(query.names({ names: [''] }));
    expect(empty).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'BAD_FILTER' });
  });

  it('answers a pattern of 92,303 characters at once with BAD_REGEX quoting an excerpt (a status trailer past 8 KiB is never answered)', async () => {
    const huge = 'y'.repeat(92_303);
    const refused = await failure(query.names({ clients: ['fuzz-client-14', huge], regex: true }));
    expect(refused).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'BAD_REGEX',
      details: `filter.clients[1] "${'y'.repeat(79)}… (92303 characters)" is 92303 characters long; a pattern may have at most 256 (TABA_REGEX_MAX_LENGTH)`,
    });
  });

  it('stops a pathological pattern in bounded time (REGEX_TOO_SLOW) and keeps answering', async () => {
    const before = await query.status();
    const started = performance.now();
    const slow = await failure(query.aggregates({ names: ['(a+)+$'], regex: true }));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(slow).toMatchObject({ code: status.INVALID_ARGUMENT, reason: 'REGEX_TOO_SLOW' });

    expect(await query.names({ names: ['^a+!$'], regex: true })).toEqual([PATHOLOGICAL_NAME]);
    const after = await query.status();
    expect(after.metrics['regex.timeouts']).toBe((before.metrics['regex.timeouts'] ?? 0) + 1);
    expect(after.metrics['errors.REGEX_TOO_SLOW']).toBeGreaterThanOrEqual(1);
  });

  it('GetStatus reports queries per method, the cache and the cluster', async () => {
    await query.names();
    const self = await query.status();
    expect(self).toMatchObject({ service: 'query', address: harness.service.running.address });
    expect(self.metrics['queries.ListNames']).toBeGreaterThanOrEqual(1);
    expect(self.metrics['queries.GetAggregates']).toBeGreaterThanOrEqual(1);
    expect(self.metrics['cache.misses']).toBeGreaterThanOrEqual(1);
    expect(self.metrics).toHaveProperty('cache.hits');
    expect(self.details).toMatchObject({ partitions: String(PARTITIONS), 'redis.shards': '1' });
    expect(self.details['redis.shard.0']).toMatch(
      new RegExp(`^${redisServer().url}/0 ready ping [\\d.]+ ms$`),
    );
  });

  it('refuses to read more Tabs than TABA_MAX_TABS_PER_QUERY (RESOURCE_EXHAUSTED)', async () => {
    const limited = await startQuery(0, { TABA_MAX_TABS_PER_QUERY: '2' });
    try {
      const small = api(() => limited.client);
      const tooMany = await failure(small.aggregates({}));
      expect(tooMany).toMatchObject({ code: status.RESOURCE_EXHAUSTED, reason: 'TOO_MANY_TABS' });
      expect(tooMany.details).toContain(`selects ${TABS.length} Tabs`);
      expect((await small.aggregates({ names: ['^bid\\.'], regex: true })).tabs).toHaveLength(2);
      expect(await small.names()).toHaveLength(TABS.length);
    } finally {
      await limited.stop();
    }
  });

  it('refuses a projection of more States than TABA_MAX_STATES_PER_QUERY before reading them', async () => {
    const limited = await startQuery(0, { TABA_MAX_STATES_PER_QUERY: '5' });
    try {
      const small = api(() => limited.client);
      const tooMany = await failure(small.projections({ names: ['bid.price', 'status'] }));
      expect(tooMany).toEqual({
        code: status.RESOURCE_EXHAUSTED,
        reason: 'TOO_MANY_STATES',
        details: `the filter selects ${2 * CLIENTS.length} States (a Tab of a client); one query may read at most 5 (TABA_MAX_STATES_PER_QUERY): narrow the names or clients`,
      });
      // Aggregates read one merged State per Tab: two are within the limit.
      expect((await small.aggregates({ names: ['bid.price', 'status'] })).tabs).toHaveLength(2);
      const self = await small.status();
      expect(self.metrics['refused.TOO_MANY_STATES']).toBe(1);
    } finally {
      await limited.stop();
    }
  });

  it('refuses a client filter of 200,000 IDs fast, without reading or caching it', async () => {
    const clients = Array.from({ length: 200_000 }, (_, i) => `client-${i}`);
    const before = await query.status();
    const started = performance.now();
    const refused = await failure(query.aggregates({ names: ['bid.price'], clients }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(refused).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'FILTER_TOO_LARGE',
      details:
        'the filter has 200000 client IDs; the limit is 10000 (TABA_MAX_FILTER_CLIENTS): use patterns or several queries',
    });
    const after = await query.status();
    expect(after.metrics['cache.entries']).toBe(before.metrics['cache.entries']);
    expect(after.metrics['cache.misses']).toBe(before.metrics['cache.misses']);
    expect(after.metrics['refused.FILTER_TOO_LARGE']).toBe(
      (before.metrics['refused.FILTER_TOO_LARGE'] ?? 0) + 1,
    );
  });

  it('refuses a read larger than TABA_QUERY_MAX_INFLIGHT_STATES at once (QUERY_TOO_LARGE), counted, and a repeat from the cache', async () => {
    const limited = await startQuery(0, { TABA_QUERY_MAX_INFLIGHT_STATES: '5' });
    try {
      const small = api(() => limited.client);
      const started = performance.now();
      const tooLarge = await failure(small.projections({ names: ['bid.price', 'status'] }));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(tooLarge).toEqual({
        code: status.RESOURCE_EXHAUSTED,
        reason: 'QUERY_TOO_LARGE',
        details:
          'reading 6 States (6 from Redis) is more than one query instance handles at once, 5 (TABA_QUERY_MAX_INFLIGHT_STATES): narrow the filter (names or clients) or raise the limit',
      });
      // The same again: refused from the request cache, without listing or planning anything.
      expect(await failure(small.projections({ names: ['bid.price', 'status'] }))).toEqual(
        tooLarge,
      );
      // Two merged States fit; in DETAIL each counts twice, so three do not.
      expect((await small.aggregates({ names: ['bid.price', 'status'] })).tabs).toHaveLength(2);
      expect(
        await failure(small.aggregates({ names: ['bid.price', 'bid.count', 'status'] }, 'DETAIL')),
      ).toMatchObject({
        reason: 'QUERY_TOO_LARGE',
        details: expect.stringMatching(/^reading 3 States \(1 from Redis\) is more than/),
      });
      const self = await small.status();
      expect(self.metrics['refused.QUERY_TOO_LARGE']).toBe(3);
      expect(self.metrics['queries.admission.refused_too_large']).toBe(2);
      expect(self.metrics['queries.admission.refused_busy']).toBe(0);
      expect(self.metrics['queries.admission.units']).toBe(0);
      expect(self.metrics['queries.admission.units_limit']).toBe(5);
    } finally {
      await limited.stop();
    }
  });

  it('answers a read while the instance rate is unmeasured, then refuses it with QUERY_TOO_SLOW, counted, once the rate says it would pass TABA_QUERY_MAX_READ_MS', async () => {
    // No caches: every read holds its units through its Redis reads, so busy time adds up.
    const limited = await startQuery(0, {
      TABA_QUERY_MAX_READ_MS: '1',
      TABA_QUERY_CACHE_ENTRIES: '0',
      TABA_QUERY_STATE_CACHE_BYTES: '0',
    });
    try {
      const small = api(() => limited.client);
      const read = () => small.projections({ names: ['bid.price', 'status'] });
      // Cold: only the units bound it.
      expect((await read()).tabs).toHaveLength(2);
      // Keep the instance busy until a second of busy time is measured (bounded: 8 s).
      const until = performance.now() + 8000;
      let refusal: Awaited<ReturnType<typeof failure>> | undefined;
      const loop = async () => {
        while (!refusal && performance.now() < until) {
          const outcome = await failure(read()).catch(() => undefined);
          if (outcome?.reason === 'QUERY_TOO_SLOW') refusal ??= outcome;
        }
      };
      await Promise.all(Array.from({ length: 8 }, loop));
      expect(refusal).toMatchObject({
        code: status.RESOURCE_EXHAUSTED,
        reason: 'QUERY_TOO_SLOW',
        details: expect.stringMatching(
          /^reading 6 States \(\d+ from Redis\) \(\d+ units\) would take about \d+ ms at this query instance's recent rate, more than 1 ms \(TABA_QUERY_MAX_READ_MS\): narrow the filter/,
        ),
      });
      const self = await small.status();
      expect(self.metrics['queries.admission.refused_too_slow']).toBe(
        self.metrics['refused.QUERY_TOO_SLOW'],
      );
      expect(self.metrics['queries.admission.refused_too_slow']).toBeGreaterThan(0);
      expect(self.metrics['queries.admission.refused_too_large']).toBe(0);
    } finally {
      await limited.stop();
    }
  });

  it('refuses pattern reads with CATALOGUE_TOO_LARGE when the Tab names pass TABA_QUERY_CATALOGUE_BYTES; exact names still answer', async () => {
    const limited = await startQuery(0, { TABA_QUERY_CATALOGUE_BYTES: '300' });
    try {
      const small = api(() => limited.client);
      const refused = await failure(small.names({ names: ['^bid'], regex: true }));
      expect(refused).toMatchObject({
        code: status.RESOURCE_EXHAUSTED,
        reason: 'CATALOGUE_TOO_LARGE',
      });
      expect(refused.details).toContain('the limit of 300 bytes (TABA_QUERY_CATALOGUE_BYTES)');
      expect((await small.aggregates({ names: ['bid.price'] })).tabs).toHaveLength(1);
      const self = await small.status();
      expect(self.metrics['refused.CATALOGUE_TOO_LARGE']).toBe(1);
      expect(self.metrics['catalogue.bytes_limit']).toBe(300);
    } finally {
      await limited.stop();
    }
  });

  it('refuses requests past TABA_QUERY_MAX_INFLIGHT with OVERLOADED, counted, while status answers', async () => {
    const limited = await startQuery(0, { TABA_QUERY_MAX_INFLIGHT: '1' });
    try {
      const small = api(() => limited.client);
      const answers = await Promise.allSettled(
        Array.from({ length: 20 }, () => small.aggregates({ names: ['^bid\\.'], regex: true })),
      );
      const refused = answers.filter(answer => answer.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        const error = answer.reason as ServiceError;
        expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
        expect(reasonOf(error)).toBe('OVERLOADED');
      }
      const self = await small.status();
      expect(self.metrics['refused.OVERLOADED']).toBe(refused.length);
      expect(self.metrics['queries.inflight_refused']).toBe(refused.length);
      expect(self.metrics['queries.inflight']).toBe(0);
    } finally {
      await limited.stop();
    }
  });
});

describe('cache', () => {
  let redis: Redis;
  let harness: Harness;
  const query = api(() => harness.client);
  const cached: FixtureTab = {
    name: 'cache.tab',
    type: 'COUNTER_GROUP',
    events: [{ clientId: 'c1', timestamp: NOW - 1, value: 2 }],
  };
  // A Tab in another partition than cache.tab.
  const elsewhere: FixtureTab = {
    name: ['other.0', 'other.1', 'other.2', 'other.3'].find(
      name => partitionOf(name, PARTITIONS) !== partitionOf('cache.tab', PARTITIONS),
    ) as string,
    type: 'COUNTER_GROUP',
    events: [{ clientId: 'c2', timestamp: NOW - 1, value: 1 }],
  };

  beforeAll(async () => {
    redis = await openRedis(1);
    await commit(redis, cached);
    await commit(redis, elsewhere);
    harness = await startQuery(1);
  });
  afterAll(async () => {
    await harness?.stop();
    await redis?.quit();
  });

  async function counted<T>(read: () => Promise<T>) {
    const before = (await query.status()).metrics;
    const value = await read();
    const after = (await query.status()).metrics;
    return {
      value,
      hits: (after['cache.hits'] ?? 0) - (before['cache.hits'] ?? 0),
      misses: (after['cache.misses'] ?? 0) - (before['cache.misses'] ?? 0),
    };
  }
  const lifetimeCount = async () =>
    JSON.parse((await query.aggregates({ names: ['cache.tab'] })).tabs[0]?.body ?? '').lifetime
      .count as number;

  it('serves a repeated query from the cache until a commit touches its partition', async () => {
    expect(await counted(lifetimeCount)).toEqual({ value: 1, hits: 0, misses: 1 });
    expect(await counted(lifetimeCount)).toEqual({ value: 1, hits: 1, misses: 0 });

    // Another partition changed: still a hit.
    await commit(redis, elsewhere);
    expect(await counted(lifetimeCount)).toEqual({ value: 1, hits: 1, misses: 0 });

    // Its own partition changed: a miss, and the new event is in the answer.
    await commit(redis, cached, [{ clientId: 'c3', timestamp: NOW, value: 5 }]);
    expect(await counted(lifetimeCount)).toEqual({ value: 2, hits: 0, misses: 1 });
    expect(await counted(lifetimeCount)).toEqual({ value: 2, hits: 1, misses: 0 });
  });

  it('renders a cached State at the current clock, so windows still slide', async () => {
    const oneMinute = async () =>
      JSON.parse((await query.aggregates({ names: ['cache.tab'] })).tabs[0]?.body ?? '')['1m']
        .count as number;
    expect(await oneMinute()).toBe(2);
    clock.advance(120);
    try {
      expect(await counted(oneMinute)).toEqual({ value: 0, hits: 1, misses: 0 });
    } finally {
      clock.set(NOW);
    }
  });

  it('a pattern query sees a new Tab as soon as it is committed', async () => {
    const names = async () =>
      (await query.aggregates({ names: ['^new\\.'], regex: true })).tabs.map(t => t.name);
    expect(await counted(names)).toEqual({ value: [], hits: 0, misses: 1 });
    expect(await counted(names)).toEqual({ value: [], hits: 1, misses: 0 });
    const read = async () => (await query.status()).metrics['catalogue.partitions_read'] ?? 0;
    const before = await read();
    await commit(redis, { ...cached, name: 'new.tab' });
    expect(await counted(names)).toEqual({ value: ['new.tab'], hits: 0, misses: 1 });
    // The catalogue read again only the one partition the commit changed.
    expect(await read()).toBe(before + 1);
  });
});

describe('delete', () => {
  let redis: Redis;
  let harness: Harness;
  const query = api(() => harness.client);
  const unique = (name: string, clients: string[]): FixtureTab => ({
    name,
    type: 'UNIQUE',
    events: clients.flatMap((clientId, c) =>
      ['a', 'b', 'c'].map((value, i) => ({ clientId, timestamp: NOW - c * 100 - i, value })),
    ),
  });
  // `dm*` holds a glob character; `dmX` is what an unescaped `dm*` pattern would also match.
  const doomed = unique('dm*', ['c1', 'c2']);
  const neighbour = unique('dmX', ['c1']);
  const buffer: FixtureTab = {
    name: 'doomed.buffer',
    type: 'BUFFER',
    events: [
      { clientId: 'c1', timestamp: NOW - 1, value: 'x', expiry: NOW + 600 },
      { clientId: 'c2', timestamp: NOW - 2, value: 'y', expiry: NOW + 600 },
    ],
  };
  const keep: FixtureTab = {
    name: 'keep',
    type: 'COUNTER_GROUP',
    events: [{ clientId: 'c2', timestamp: NOW, value: 1 }],
  };

  beforeAll(async () => {
    redis = await openRedis(2);
    for (const tab of [doomed, neighbour, buffer, keep]) await commit(redis, tab);
    harness = await startQuery(2);
  });
  afterAll(async () => {
    await harness?.stop();
    await redis?.quit();
  });

  const keysOf = async (name: string) =>
    (await redis.keys('*')).filter(key => key.includes(`|${name}|`) || key.endsWith(`|${name}`));

  it('requires names and refuses clients', async () => {
    expect(await failure(query.delete({}))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      reason: 'NAMES_REQUIRED',
    });
    expect(await failure(query.delete({ names: ['keep'], clients: ['c1'] }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      reason: 'CLIENTS_NOT_ALLOWED',
    });
  });

  it('removes every key of the Tabs, and nothing of their neighbours', async () => {
    const partition = partitionOf('dm*', PARTITIONS);
    expect(await keysOf('dm*')).toContain(redisKeys.cell(partition, 'dm*', 'c2'));
    expect(await keysOf('doomed.buffer')).toContain(
      redisKeys.cell(partitionOf('doomed.buffer', PARTITIONS), 'doomed.buffer', ALL_CLIENTS),
    );
    const neighbourKeys = await keysOf('dmX');
    const versionBefore = Number(await redis.get(redisKeys.version(partition)));
    // Warm the cache with the Tab, to see the delete invalidate it.
    expect((await query.aggregates({ names: ['dm*'] })).tabs).toHaveLength(1);

    expect(await query.delete({ names: ['dm*', 'doomed.buffer', 'missing'] })).toEqual([
      'dm*',
      'doomed.buffer',
    ]);

    expect(await keysOf('dm*')).toEqual([]);
    expect(await keysOf('doomed.buffer')).toEqual([]);
    for (const name of ['dm*', 'doomed.buffer']) {
      const p = partitionOf(name, PARTITIONS);
      expect(await redis.hexists(redisKeys.types(p), name)).toBe(0);
      for (const client of ['c1', 'c2']) {
        expect(await redis.sismember(redisKeys.tabsOfClient(p, client), name)).toBe(0);
      }
    }
    expect(Number(await redis.get(redisKeys.version(partition)))).toBe(versionBefore + 1);
    expect((await keysOf('dmX')).sort()).toEqual(neighbourKeys.sort());

    expect(await query.names()).toEqual(['dmX', 'keep']);
    expect((await failure(query.aggregates({ names: ['dm*'] }))).code).toBe(status.NOT_FOUND);
    expect(JSON.parse((await query.aggregates({ names: ['dmX'] })).tabs[0]?.body ?? '')).toEqual(
      pureRender(neighbour, neighbour.events),
    );
  });

  it('a commit racing a delete leaves either the whole new Tab or nothing of it', async () => {
    const racer = unique('racer', ['c1']);
    const partition = partitionOf('racer', PARTITIONS);
    for (let round = 0; round < 40; round += 1) {
      await commit(redis, racer);
      const client = `late-${round}`;
      await Promise.all([
        query.delete({ names: ['racer'] }),
        // Land the commit at various points of the delete (it takes a few round trips).
        new Promise(resolve => setTimeout(resolve, round % 8)).then(() =>
          commit(redis, racer, [{ clientId: client, timestamp: NOW, value: `v${round}` }]),
        ),
      ]);
      const exists = await redis.hexists(redisKeys.types(partition), 'racer');
      const keys = await keysOf('racer');
      if (exists === 1) {
        // The commit came after the delete: only its own client is there, fully indexed.
        expect(await redis.smembers(redisKeys.clients(partition, 'racer'))).toEqual([client]);
        expect(
          keys.every(
            key =>
              key.includes(`|${client}`) || key.includes(ALL_CLIENTS) || key.endsWith('|racer'),
          ),
        ).toBe(true);
        await query.delete({ names: ['racer'] });
      }
      expect(await keysOf('racer'), `round ${round}`).toEqual([]);
    }
  });

  it('deletes by pattern and skips what is already gone', async () => {
    expect(await query.delete({ names: ['^kee'], regex: true })).toEqual(['keep']);
    expect(await query.delete({ names: ['keep'] })).toEqual([]);
    expect(await keysOf('keep')).toEqual([]);
    expect(await query.names()).toEqual(['dmX']);
  });
});

describe('two shards', () => {
  let shards: RedisShards;
  let harness: Harness;
  const query = api(() => harness.client);
  const urls = () => [`${redisServer().url}/4`, `${redisServer().url}/5`];

  beforeAll(async () => {
    shards = new RedisShards(urls(), { partitionCount: PARTITIONS });
    for (const [, redis] of shards.all()) await redis.flushdb();
    for (const tab of TABS) await commit(shards, tab);
    harness = await startQuery(urls().join(','));
  });
  afterAll(async () => {
    await harness?.stop();
    await shards?.close();
  });

  it('reads, lists and deletes across shards', async () => {
    const used = new Set(TABS.map(tab => shards.shardOf(partitionOf(tab.name, PARTITIONS))));
    expect(used.size).toBe(2);

    const reply = await query.aggregates({});
    expect(reply.tabs.map(tab => tab.name)).toEqual(ALL_NAMES);
    for (const rendered of reply.tabs) {
      const tab = tabNamed(rendered.name);
      expect(JSON.parse(rendered.body), tab.name).toEqual(pureRender(tab, tab.events));
    }
    expect(await query.names({ clients: ['c3'] })).toEqual(
      TABS.filter(t => t.events.some(e => e.clientId === 'c3'))
        .map(t => t.name)
        .sort(compareCodePoints),
    );
    expect(await query.clients({ clients: ['^c[12]$'], regex: true })).toEqual(['c1', 'c2']);

    expect(await query.delete({ names: ['^bid\\.', '^visitors$'], regex: true })).toEqual([
      'bid.count',
      'bid.price',
      'visitors',
    ]);
    expect(await query.names()).toEqual(
      ALL_NAMES.filter(name => !['bid.count', 'bid.price', 'visitors'].includes(name)),
    );
  });
});

describe('failures', () => {
  it('answers INTERNAL with a generic message for what it cannot explain', async () => {
    const redis = await openRedis(3);
    const harness = await startQuery(3);
    try {
      await redis.hset(redisKeys.types(partitionOf('weird', PARTITIONS)), 'weird', 'NO_SUCH_TYPE');
      const query = api(() => harness.client);
      expect(await failure(query.aggregates({ names: ['weird'] }))).toEqual({
        code: status.INTERNAL,
        reason: 'INTERNAL',
        details: 'internal error',
      });
      expect((await query.status()).metrics['errors.INTERNAL']).toBe(1);
    } finally {
      await harness.stop();
      await redis.quit();
    }
  });

  it('answers UNAVAILABLE (REDIS_UNAVAILABLE) when Redis cannot be reached', async () => {
    const port = await freePort();
    const harness = await startQuery(`redis://127.0.0.1:${port}`, {
      TABA_REDIS_COMMAND_TIMEOUT_MS: '300',
    });
    try {
      const query = api(() => harness.client);
      const started = performance.now();
      const down = await failure(query.aggregates({ names: ['bid.price'] }));
      expect(down).toMatchObject({ code: status.UNAVAILABLE, reason: 'REDIS_UNAVAILABLE' });
      expect(performance.now() - started).toBeLessThan(4000);
      // The service itself is fine.
      expect((await query.status()).metrics['errors.REDIS_UNAVAILABLE']).toBe(1);
    } finally {
      await harness.stop();
    }
  });
});
