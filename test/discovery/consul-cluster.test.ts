// A cluster found through Consul (the stand-in): 1 Redis, 2 aggregators, 2 ingest, 2 query and
// a gateway, every one a child process with TABA_DISCOVERY=consul. Instances are killed with
// SIGKILL and added while clients post; what was acknowledged is counted exactly.
import type {
  InstanceStatus__Output,
  ServiceName,
  TabaClient as TabaGrpcClient,
} from '@taba/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingSenders, readCounts, readCountsWith } from '../support/counting-senders.js';
import { connectTaba } from '../support/grpc-client.js';
import { pollUntil } from '../support/poll.js';
import type { Stack } from '../support/stack.js';
import { memberIds, startStack } from '../support/stack.js';

const PARTITIONS = 64;
/** How soon every peer must see a killed instance go (Consul TTL 1.5 s, plus polling). */
const LOSS_BOUND_MS = 5000;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    discovery: 'consul',
    redisShards: 1,
    aggregators: 2,
    ingests: 2,
    queries: 2,
    env: { TABA_PARTITIONS: String(PARTITIONS) },
  });
  await stack.waitForMembership();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
}, 30_000);

/** The status of the instance `id` of `service`, as the gateway's fan-out reports it. */
async function statusOf(service: ServiceName, id: string): Promise<InstanceStatus__Output> {
  const found = (await stack.status()).find(
    each => each.service === service && each.instanceId === id,
  );
  if (!found) throw new Error(`the gateway does not list ${service} ${id}`);
  return found;
}

/** `partitions.owner*` details only, sorted by key: the ownership an instance sees. */
function ownership(details: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.entries(details)
      .filter(([key]) => key.startsWith('partitions.owner'))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Waits until every live ingest sees exactly `owners` (id → partition count). */
async function untilIngestsSee(owners: Record<string, number>, timeoutMs: number) {
  const want: Record<string, string> = { 'partitions.owners': String(Object.keys(owners).length) };
  for (const [id, count] of Object.entries(owners)) want[`partitions.owner.${id}`] = String(count);
  const ingestIds = new Set(stack.live('ingest').map(stack.memberId));
  const wanted = ownership(want);
  let last: unknown;
  await pollUntil(
    async () => {
      const views = (await stack.status())
        .filter(each => each.service === 'ingest' && ingestIds.has(each.instanceId))
        .map(each => ownership(each.details));
      last = views;
      return (views.length === ingestIds.size && views.every(view => view === wanted)) || undefined;
    },
    { what: `every ingest to see ${JSON.stringify(want)}`, timeoutMs, intervalMs: 50 },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last: ${JSON.stringify(last)}`);
  });
}

/** Expands `0-3,7` into the partitions it names. */
function expandRanges(text: string): number[] {
  return text.split(',').flatMap(range => {
    const [first, last = first] = range.split('-').map(Number);
    return Array.from({ length: (last ?? 0) - (first ?? 0) + 1 }, (_, i) => (first ?? 0) + i);
  });
}

describe('a cluster on Consul', () => {
  it('starts with every instance registered and the partitions split between 2 aggregators', async () => {
    const [gateway, ...others] = await stack.status();
    expect(gateway?.details).toMatchObject({
      discovery: 'consul',
      consul: 'reachable',
      'consul.self': 'gateway-1 registered',
      'self.id': 'gateway-1',
      'self.address': stack.gateway.address,
      'members.ingest': stack.ingests
        .map(each => `${stack.memberId(each)}@${each.address}`)
        .join(','),
      'members.query': stack.queries
        .map(each => `${stack.memberId(each)}@${each.address}`)
        .join(','),
      'members.aggregator': stack.aggregators
        .map(each => `${stack.memberId(each)}@${each.address}`)
        .join(','),
    });
    expect(others.map(each => each.instanceId).sort()).toEqual([
      'aggregator-1',
      'aggregator-2',
      'ingest-1',
      'ingest-2',
      'query-1',
      'query-2',
    ]);
    const half = { 'aggregator-1': PARTITIONS / 2, 'aggregator-2': PARTITIONS / 2 };
    await untilIngestsSee(half, 5000);
    for (const id of ['aggregator-1', 'aggregator-2']) {
      const details = (await statusOf('aggregator', id)).details;
      expect(details['self.id']).toBe(id);
      expect(details['partitions.owned']).toBe(String(PARTITIONS / 2));
      expect(expandRanges(details['partitions.owned.ranges'] ?? '')).toHaveLength(PARTITIONS / 2);
    }
    const query = (await statusOf('query', 'query-1')).details;
    expect(query).toMatchObject({ discovery: 'consul', 'consul.self': 'query-1 registered' });
  });

  it('moves partitions to the survivor when an aggregator is killed, and to a newcomer; counts exactly', async () => {
    const senders = new CountingSenders({ address: stack.grpcAddress, prefix: 'kill-agg' });
    try {
      senders.start();
      await pollUntil(() => (senders.applied() > 200 ? true : undefined), {
        what: 'posts to flow',
        timeoutMs: 10_000,
      });

      const victim = stack.aggregators[0];
      if (!victim) throw new Error('no aggregator');
      const killedAt = performance.now();
      await stack.killInstance(victim);
      await untilIngestsSee({ 'aggregator-2': PARTITIONS }, LOSS_BOUND_MS);
      expect(performance.now() - killedAt).toBeLessThan(LOSS_BOUND_MS);
      const survivor = (await statusOf('aggregator', 'aggregator-2')).details;
      expect(survivor['partitions.owned']).toBe(String(PARTITIONS));
      expect(survivor['partitions.owned.ranges']).toBe(`0-${PARTITIONS - 1}`);

      // Posting goes on with one aggregator.
      const before = senders.applied();
      await pollUntil(() => (senders.applied() > before + 200 ? true : undefined), {
        what: 'posts to go on after the kill',
        timeoutMs: 10_000,
      });

      const newcomer = await stack.startInstance('aggregator');
      expect(stack.memberId(newcomer)).toBe('aggregator-3');
      await untilIngestsSee(
        { 'aggregator-2': PARTITIONS / 2, 'aggregator-3': PARTITIONS / 2 },
        LOSS_BOUND_MS,
      );
      const joined = (await statusOf('aggregator', 'aggregator-3')).details;
      expect(joined['partitions.owned']).toBe(String(PARTITIONS / 2));
      const owned = expandRanges(joined['partitions.owned.ranges'] ?? '');
      const kept = expandRanges(
        (await statusOf('aggregator', 'aggregator-2')).details['partitions.owned.ranges'] ?? '',
      );
      expect([...owned, ...kept].sort((a, b) => a - b)).toEqual(
        Array.from({ length: PARTITIONS }, (_, p) => p),
      );

      // The newcomer gets commits of its partitions.
      await pollUntil(
        async () =>
          ((await statusOf('aggregator', 'aggregator-3')).metrics['commit.parts'] ?? 0) > 0 ||
          undefined,
        { what: 'the newcomer to commit parts', timeoutMs: 10_000 },
      );
    } finally {
      await senders.stop();
    }
    expect(senders.losses()).toEqual({ dropped: 0, rejected: 0 });
    expect(senders.applied()).toBe(senders.recorded());
    expect(await readCounts(stack.grpcAddress, 'kill-agg')).toEqual(senders.expectedCounts());
  });

  it('routes around a killed ingest and a killed query instance; counts exactly', async () => {
    const senders = new CountingSenders({ address: stack.grpcAddress, prefix: 'kill-edge' });
    const reader: TabaGrpcClient = connectTaba(stack.grpcAddress);
    let reads = 0;
    let readFailures: unknown[] = [];
    let reading = true;
    const readLoop = (async () => {
      while (reading) {
        try {
          await readCountsWith(reader, 'kill-edge');
          reads += 1;
        } catch (error) {
          readFailures.push(error);
        }
      }
    })();
    try {
      senders.start();
      await pollUntil(() => (senders.applied() > 200 && reads > 5 ? true : undefined), {
        what: 'posts and reads to flow',
        timeoutMs: 10_000,
      });
      readFailures = [];
      const [ingest, query] = [stack.ingests[0], stack.queries[0]];
      if (!ingest || !query) throw new Error('no ingest or query');
      const killedAt = performance.now();
      await Promise.all([stack.killInstance(ingest), stack.killInstance(query)]);
      const [appliedAtKill, readsAtKill] = [senders.applied(), reads];

      await stack.waitForMembership(LOSS_BOUND_MS);
      expect(performance.now() - killedAt).toBeLessThan(LOSS_BOUND_MS);
      const [gateway] = await stack.status();
      expect(memberIds(gateway?.details ?? {}, 'ingest')).toEqual(['ingest-2']);
      expect(memberIds(gateway?.details ?? {}, 'query')).toEqual(['query-2']);

      await pollUntil(
        () =>
          senders.applied() > appliedAtKill + 200 && reads > readsAtKill + 5 ? true : undefined,
        { what: 'posts and reads to go on', timeoutMs: 10_000 },
      );
      // The gateway retried every read that met a dead query instance on the live one.
      expect(readFailures).toEqual([]);
    } finally {
      reading = false;
      await readLoop;
      reader.close();
      await senders.stop();
    }
    expect(senders.losses()).toEqual({ dropped: 0, rejected: 0 });
    expect(senders.applied()).toBe(senders.recorded());
    expect(await readCounts(stack.grpcAddress, 'kill-edge')).toEqual(senders.expectedCounts());
  });
});

describe('Consul unreachable', () => {
  it('keeps serving with the last membership, says so in status, and recovers', async () => {
    const senders = new CountingSenders({ address: stack.grpcAddress, prefix: 'outage' });
    const consul = stack.consul;
    if (!consul) throw new Error('the stack has no Consul');
    const membership = async () =>
      (await stack.status()).map(each => ({
        id: each.instanceId,
        members: Object.fromEntries(
          Object.entries(each.details).filter(
            ([key]) => key.startsWith('members.') || key.startsWith('partitions.owner'),
          ),
        ),
      }));
    /** Waits until every instance the gateway lists says `consul` matches `pattern`. */
    const untilConsulIs = (pattern: RegExp, what: string) =>
      pollUntil(
        async () => {
          const all = await stack.status();
          return all.every(each => pattern.test(each.details.consul ?? '')) ? all : undefined;
        },
        { what, timeoutMs: 10_000, intervalMs: 100 },
      );
    try {
      senders.start();
      await pollUntil(() => (senders.applied() > 100 ? true : undefined), {
        what: 'posts to flow',
        timeoutMs: 10_000,
      });
      const before = await membership();
      expect(before.map(each => each.id).sort()).toEqual([
        'aggregator-2',
        'aggregator-3',
        'gateway-1',
        'ingest-2',
        'query-2',
      ]);

      await consul.stop();
      const down = await untilConsulIs(
        /^unreachable since \d{4}-\d\d-\d\dT/,
        'every instance to notice',
      );
      expect(down).toHaveLength(5);
      const appliedWhenDown = senders.applied();
      const readsWhenDown = await readCounts(stack.grpcAddress, 'outage');
      expect(Object.keys(readsWhenDown).length).toBeGreaterThan(0);
      // A few seconds without Consul: the same membership, posts and reads go on.
      await pollUntil(() => (senders.applied() > appliedWhenDown + 300 ? true : undefined), {
        what: 'posts to go on without Consul',
        timeoutMs: 10_000,
      });
      await new Promise(resolve => setTimeout(resolve, 3000));
      expect(await membership()).toEqual(before);
      expect(consul.isListening()).toBe(false);

      await consul.start();
      const up = await untilConsulIs(/^reachable$/, 'every instance to see Consul again');
      for (const each of up) {
        expect(each.details['consul.self']).toBe(`${each.instanceId} registered`);
      }
      await stack.waitForMembership();
      expect(await membership()).toEqual(before);
    } finally {
      await consul.start().catch(() => undefined);
      await senders.stop();
    }
    expect(senders.losses()).toEqual({ dropped: 0, rejected: 0 });
    expect(senders.applied()).toBe(senders.recorded());
    expect(await readCounts(stack.grpcAddress, 'outage')).toEqual(senders.expectedCounts());
  });
});
