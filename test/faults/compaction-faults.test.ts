// Faults around cell compaction: the aggregator folds a cell's appended records into one base in
// the background (cell-compactor.ts, the pruner), and compact.lua writes the base only if the
// cell still starts with what was read. Every fault runs with the smallest TABA_CELL_TAIL_BYTES,
// so nearly every commit names its cells for compaction, and ends with every lifetime count read
// back, over every client and client by client, exactly what was acknowledged: nothing lost,
// nothing counted twice. Then compaction must have gone on, leaving every cell within the tail
// limit with the State it had. Each fault prints one JSON line with its figures.
import { status } from '@grpc/grpc-js';
import type { TabaClient as TabaGrpcClient } from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingSenders } from '../support/counting-senders.js';
import { freePort, LOOPBACK } from '../support/free-port.js';
import { connectTaba, grpcErrorOf } from '../support/grpc-client.js';
import { pollUntil } from '../support/poll.js';
import type { ServiceProcess } from '../support/service-process.js';
import { startServiceProcess } from '../support/service-process.js';
import type { Stack } from '../support/stack.js';
import { startStack } from '../support/stack.js';
import type { CellView, RestartableRedis } from './compaction-support.js';
import {
  aggregatorMetrics,
  aggregatorStatus,
  cellStates,
  compactOnly,
  compareCounts,
  lifetimeCounts,
  overTail,
  postUntilAcknowledged,
  scanAllCells,
  startAofRedis,
} from './compaction-support.js';

/** TABA_CELL_TAIL_BYTES everywhere here: its minimum, so a cell is named from its second record. */
const TAIL = 64;

/**
 * Batches with known seqs over Tabs every client shares (so each all-clients cell merges several
 * clients): client `c`'s batch `seq` carries `eventsOf(c, seq, k)` counter events on Tab `k`.
 * What was acknowledged is booked once per (client, seq).
 */
class SeqLedger {
  private readonly acknowledged = new Set<string>();
  private readonly perClient = new Map<string, Map<string, number>>();

  constructor(
    readonly prefix: string,
    readonly clients: number,
    readonly tabs: number,
  ) {}

  clientId(c: number): string {
    return `${this.prefix}-client-${c}`;
  }

  tab(k: number): string {
    return `${this.prefix}.t${k}`;
  }

  eventsOf(c: number, seq: number, k: number): number {
    return 1 + ((c + seq + k) % 3);
  }

  batch(c: number, seq: number) {
    return {
      clientId: this.clientId(c),
      seq,
      tabs: Array.from({ length: this.tabs }, (_, k) => ({
        name: this.tab(k),
        values: Array.from({ length: this.eventsOf(c, seq, k) }, () => 1),
      })),
    };
  }

  eventsIn(c: number, seq: number): number {
    let sum = 0;
    for (let k = 0; k < this.tabs; k += 1) sum += this.eventsOf(c, seq, k);
    return sum;
  }

  /** Books an acknowledged batch (once, however often it was acknowledged). */
  private book(c: number, seq: number): void {
    const id = `${c}/${seq}`;
    if (this.acknowledged.has(id)) return;
    this.acknowledged.add(id);
    const counts = this.perClient.get(this.clientId(c)) ?? new Map<string, number>();
    for (let k = 0; k < this.tabs; k += 1) {
      counts.set(this.tab(k), (counts.get(this.tab(k)) ?? 0) + this.eventsOf(c, seq, k));
    }
    this.perClient.set(this.clientId(c), counts);
  }

  /** Batches acknowledged. */
  batches(): number {
    return this.acknowledged.size;
  }

  /** What client `clientId`'s lifetime counts must be. */
  expectedOf(clientId: string): Record<string, number> {
    return Object.fromEntries(this.perClient.get(clientId) ?? []);
  }

  /** What the lifetime counts over every client must be. */
  expectedTotals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const counts of this.perClient.values()) {
      for (const [tab, count] of counts) totals[tab] = (totals[tab] ?? 0) + count;
    }
    return totals;
  }

  /** Posts batch `seq` of client `c` until acknowledged and books it. */
  async post(
    grpc: TabaGrpcClient,
    c: number,
    seq: number,
  ): Promise<{ duplicate: boolean; failedAttempts: number }> {
    const { response, failedAttempts } = await postUntilAcknowledged(grpc, this.batch(c, seq));
    expect(Number(response.applied)).toBe(this.eventsIn(c, seq));
    expect(Number(response.rejectedCount)).toBe(0);
    this.book(c, seq);
    return { duplicate: response.duplicate, failedAttempts };
  }
}

/** Counts read back, over every client and client by client, against what was acknowledged. */
interface Exactness {
  readonly acknowledged: number;
  readonly found: number;
  readonly duplicates: number;
}

/**
 * Fails with the differences unless every count read back is exactly `expected` (over every
 * client: the all-clients cells) and `perClient` (each client's own cells).
 */
async function expectExact(
  grpc: TabaGrpcClient,
  what: string,
  expected: Readonly<Record<string, number>>,
  perClient: ReadonlyMap<string, Readonly<Record<string, number>>>,
): Promise<Exactness> {
  const names = Object.keys(expected);
  expect(names.length, `${what}: Tabs acknowledged`).toBeGreaterThan(0);
  const overall = compareCounts(expected, await lifetimeCounts(grpc, names));
  const clientDifferences: string[] = [];
  for (const [clientId, want] of perClient) {
    const { differences } = compareCounts(want, await lifetimeCounts(grpc, names, clientId));
    clientDifferences.push(...differences.map(line => `${clientId} ${line}`));
  }
  expect(overall.differences, `${what}: lifetime counts over every client`).toEqual([]);
  expect(clientDifferences, `${what}: lifetime counts per client`).toEqual([]);
  return { acknowledged: overall.expected, found: overall.found, duplicates: overall.duplicates };
}

function expectLedgerExact(grpc: TabaGrpcClient, ledger: SeqLedger): Promise<Exactness> {
  const perClient = new Map(
    Array.from({ length: ledger.clients }, (_, c) => {
      const id = ledger.clientId(c);
      return [id, ledger.expectedOf(id)] as const;
    }),
  );
  return expectExact(grpc, ledger.prefix, ledger.expectedTotals(), perClient);
}

/**
 * CountingSenders' clients are `<prefix>-client-<i>`, each with its own Tabs `<prefix>.c<i>.*`:
 * checks the counts (and that no client lost or had refused anything) once they stopped.
 */
async function expectSendersExact(
  grpc: TabaGrpcClient,
  senders: CountingSenders,
  prefix: string,
  clients: number,
): Promise<Exactness> {
  expect(senders.losses()).toEqual({ dropped: 0, rejected: 0 });
  expect(senders.applied()).toBe(senders.recorded());
  const expected = senders.expectedCounts();
  const perClient = new Map(
    Array.from({ length: clients }, (_, i) => {
      const own = Object.entries(expected).filter(([tab]) => tab.startsWith(`${prefix}.c${i}.`));
      return [`${prefix}-client-${i}`, Object.fromEntries(own)] as const;
    }),
  );
  return expectExact(grpc, prefix, expected, perClient);
}

const summary = (cells: ReadonlyMap<string, CellView>) => ({
  cells: cells.size,
  overTail: overTail(cells, TAIL).length,
  maxRecords: Math.max(0, ...[...cells.values()].map(cell => cell.records)),
  bytes: [...cells.values()].reduce((sum, cell) => sum + cell.value.length, 0),
});

/**
 * Once writing stopped: waits until no cell of `prefixes` is over the tail limit (compaction
 * caught up) and checks each then holds the State it held before (read at the same moment).
 */
async function expectCompactedKeepingStates(
  shards: readonly Redis[],
  prefixes: readonly string[],
  options: { singleRecord?: boolean } = {},
): Promise<{ before: ReturnType<typeof summary>; after: ReturnType<typeof summary> }> {
  const scan = async () => {
    const all = new Map<string, CellView>();
    for (const prefix of prefixes) {
      for (const [key, cell] of await scanAllCells(shards, `${prefix}.`)) all.set(key, cell);
    }
    return all;
  };
  const before = await scan();
  const after = await pollUntil(
    async () => {
      const cells = await scan();
      const settled = options.singleRecord
        ? [...cells.values()].every(cell => cell.records === 1)
        : overTail(cells, TAIL).length === 0;
      return settled ? cells : undefined;
    },
    { what: 'compaction to catch up with every cell', timeoutMs: 30_000, intervalMs: 100 },
  );
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  const now = Date.now() / 1000;
  expect(cellStates(after, now)).toEqual(cellStates(before, now));
  return { before: summary(before), after: summary(after) };
}

/** Polls one aggregator's metrics until `ready` holds of them. */
function metricsUntil(
  address: string,
  what: string,
  ready: (metrics: Record<string, number>) => boolean,
  timeoutMs = 30_000,
): Promise<Record<string, number>> {
  return pollUntil(
    async () => {
      const metrics = await aggregatorMetrics(address);
      return ready(metrics) ? metrics : undefined;
    },
    { what, timeoutMs, intervalMs: 50 },
  );
}

const metric = (metrics: Readonly<Record<string, number>>, name: string) => metrics[name] ?? 0;

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

describe('one aggregator over two Redis shards with append-only files', () => {
  const aof: RestartableRedis[] = [];
  let stack: Stack;
  let shards: Redis[] = [];
  let grpc: TabaGrpcClient;

  beforeAll(async () => {
    // One after the other, each kept as it starts: afterAll stops whatever did.
    for (let i = 0; i < 2; i += 1) aof.push(await startAofRedis());
    stack = await startStack({
      redisShards: 0,
      env: {
        TABA_REDIS_SHARDS: aof.map(redis => redis.url).join(';'),
        TABA_PARTITIONS: '64',
        TABA_PRUNE_INTERVAL_MS: '0',
      },
      aggregatorEnv: {
        TABA_CELL_TAIL_BYTES: String(TAIL),
        // One compaction at a time: commits name cells faster than they are compacted, so
        // there is always a queue for a fault to strike.
        TABA_COMPACT_CONCURRENCY: '1',
        TABA_REDIS_COMMAND_TIMEOUT_MS: '1000',
      },
    });
    shards = aof.map(redis => new Redis(redis.url, { maxRetriesPerRequest: 1 }));
    for (const redis of shards) redis.on('error', () => {});
    grpc = connectTaba(stack.grpcAddress);
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    for (const redis of shards) redis.disconnect();
    await stack?.stop();
    await Promise.all(aof.map(redis => redis.stop()));
  }, 60_000);

  const aggregator = (): ServiceProcess => {
    const [current] = stack.aggregators;
    if (!current) throw new Error('no aggregator');
    return current;
  };

  it('kill -9 the aggregator after acknowledged appends, before it compacted them', async () => {
    const started = performance.now();
    const ledger = new SeqLedger('cf-kill', 4, 60);
    const clients = Array.from({ length: ledger.clients }, (_, c) => c);
    const ROUNDS_BEFORE = 6;
    const ROUNDS_AFTER = 3;

    // Acknowledged appends, every commit naming its cells; kill -9 the moment the last is in.
    await Promise.all(
      clients.map(async c => {
        for (let seq = 1; seq <= ROUNDS_BEFORE; seq += 1) await ledger.post(grpc, c, seq);
      }),
    );
    await stack.killInstance(aggregator());
    const atKill = summary(await scanAllCells(shards, 'cf-kill.'));

    // While it is down, every client posts (and retries) its next batch; a new aggregator
    // starts at its address.
    const inFlight = Promise.all(clients.map(c => ledger.post(grpc, c, ROUNDS_BEFORE + 1)));
    const successor = await stack.restartAggregator(0);
    const whileDown = await inFlight;

    // The last batch again: a duplicate, counted nothing. An older one: refused, counted nothing.
    const replay = await postUntilAcknowledged(grpc, ledger.batch(0, ROUNDS_BEFORE + 1));
    expect(replay.response.duplicate).toBe(true);
    const older = await grpcErrorOf(postUntilAcknowledged(grpc, ledger.batch(0, 2)));
    expect(older.code).toBe(status.FAILED_PRECONDITION);
    expect(older.metadata.get('taba-reason')).toEqual(['SEQ_REGRESSION']);
    await Promise.all(
      clients.map(async c => {
        for (let seq = ROUNDS_BEFORE + 2; seq <= ROUNDS_BEFORE + 1 + ROUNDS_AFTER; seq += 1) {
          await ledger.post(grpc, c, seq);
        }
      }),
    );
    const counts = await expectLedgerExact(grpc, ledger);

    // Compaction resumed on the successor: every cell (each Tab's all-clients cell and one per
    // client) ends within the tail limit, with the State it had.
    const { before, after } = await expectCompactedKeepingStates(shards, ['cf-kill']);
    expect(after.cells).toBe(ledger.tabs * (ledger.clients + 1));
    const metrics = await aggregatorMetrics(successor.address);
    expect(metric(metrics, 'compact.cells')).toBeGreaterThan(0);
    expect(metric(metrics, 'compact.cells_failed')).toBe(0);
    await expectLedgerExact(grpc, ledger);

    console.log(
      JSON.stringify({
        fault: 'aggregator-kill-before-compaction',
        ...counts,
        batches: ledger.batches(),
        atKill,
        beforeCatchUp: before,
        afterCatchUp: after,
        failedPostsWhileDown: whileDown.reduce((sum, each) => sum + each.failedAttempts, 0),
        successor: compactOnly(metrics),
        seconds: seconds(started),
      }),
    );
    // The kill did catch compaction behind: cells it had been named were left uncompacted.
    expect(atKill.overTail).toBeGreaterThan(0);
  }, 90_000);

  it('kill -9 a Redis shard in the middle of compaction, restart it from its AOF', async () => {
    const started = performance.now();
    const PREFIX = 'cf-aof';
    const CLIENTS = 4;
    const address = aggregator().address;
    const initial = await aggregatorMetrics(address);
    const senders = new CountingSenders({
      address: stack.grpcAddress,
      prefix: PREFIX,
      clients: CLIENTS,
      tabsPerClient: 30,
      eventsPerTab: 2,
      pauseMs: 20,
    });
    senders.start();
    let atKill: Record<string, number>;
    let outage: Record<string, number>;
    let afterRestart: Record<string, number>;
    try {
      // Compaction busy, with a queue.
      atKill = await metricsUntil(
        address,
        'compactions going on, with a queue',
        m =>
          metric(m, 'compact.cells') - metric(initial, 'compact.cells') >= 200 &&
          metric(m, 'compact.queued') > 0,
      );
      const [victim] = aof;
      if (!victim) throw new Error('no shard');
      await victim.kill();
      // The outage reaches the aggregator (its commits to the shard fail), then the shard
      // comes back from its AOF.
      outage = await metricsUntil(
        address,
        'commits to the killed shard to fail',
        m => metric(m, 'commit.shard_calls_failed') > metric(atKill, 'commit.shard_calls_failed'),
      );
      await victim.restart();
      const restartedAt = Date.now();
      // It came back with what it had: its append-only file was replayed.
      const restartedShard = shards[0];
      expect(await restartedShard?.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await restartedShard?.dbsize()).toBeGreaterThan(0);
      await pollUntil(() => senders.allAcknowledgedSince(restartedAt) || undefined, {
        what: 'every sender acknowledged after the restart',
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      // Compaction goes on against the restarted shard.
      const recovered = await aggregatorMetrics(address);
      afterRestart = await metricsUntil(
        address,
        'compactions after the restart',
        m => metric(m, 'compact.cells') - metric(recovered, 'compact.cells') >= 200,
      );
    } finally {
      await senders.stop();
    }
    const counts = await expectSendersExact(grpc, senders, PREFIX, CLIENTS);
    const { before, after } = await expectCompactedKeepingStates(shards, [PREFIX]);
    expect(after.cells).toBe(CLIENTS * 30 * 2);
    await expectSendersExact(grpc, senders, PREFIX, CLIENTS);

    const delta = (m: Record<string, number>, name: string) =>
      metric(m, name) - metric(initial, name);
    console.log(
      JSON.stringify({
        fault: 'redis-kill-restart-from-aof',
        ...counts,
        queuedAtKill: metric(atKill, 'compact.queued'),
        shardCallsFailed: delta(outage, 'commit.shard_calls_failed'),
        compactionsFailed: delta(afterRestart, 'compact.cells_failed'),
        duplicateParts: delta(afterRestart, 'commit.parts_duplicate'),
        compactedBeforeKill: delta(atKill, 'compact.cells'),
        compactedAfterRestart:
          metric(afterRestart, 'compact.cells') - metric(outage, 'compact.cells'),
        beforeCatchUp: before,
        afterCatchUp: after,
        seconds: seconds(started),
      }),
    );
  }, 90_000);

  it('compactions fail halfway (writes paused, then refused out of memory) and resume', async () => {
    const started = performance.now();
    const PREFIX = 'cf-fail';
    const CLIENTS = 4;
    const TABS = 60;
    const address = aggregator().address;
    const initial = await aggregatorMetrics(address);
    const senders = new CountingSenders({
      address: stack.grpcAddress,
      prefix: PREFIX,
      clients: CLIENTS,
      tabsPerClient: TABS,
      eventsPerTab: 1,
      pauseMs: 10,
    });
    const queued = () =>
      metricsUntil(address, 'a compaction queue', m => metric(m, 'compact.queued') >= 50);
    const failedSince = (before: Record<string, number>, what: string) =>
      metricsUntil(
        address,
        what,
        m => metric(m, 'compact.cells_failed') > metric(before, 'compact.cells_failed'),
        15_000,
      );
    const figures: Record<string, number> = {};
    senders.start();
    try {
      // 1. Writes paused longer than the aggregator's command timeout: each compaction reads
      // its cell, then its compact.lua times out (and runs once the pause ends, unseen).
      const beforePause = await queued();
      figures.queuedAtPause = metric(beforePause, 'compact.queued');
      await Promise.all(shards.map(redis => redis.client('PAUSE', 10_000, 'WRITE')));
      try {
        const paused = await failedSince(beforePause, 'compactions to fail while paused');
        figures.failedWhilePaused =
          metric(paused, 'compact.cells_failed') - metric(beforePause, 'compact.cells_failed');
      } finally {
        await Promise.all(shards.map(redis => redis.client('UNPAUSE')));
      }

      // 2. Redis out of memory: each compaction reads its cell, then compact.lua is refused.
      const beforeOom = await queued();
      figures.queuedAtOom = metric(beforeOom, 'compact.queued');
      await Promise.all(
        shards.map(async redis => {
          await redis.config('SET', 'maxmemory-policy', 'noeviction');
          await redis.config('SET', 'maxmemory', '1');
        }),
      );
      try {
        const refused = await failedSince(beforeOom, 'compactions to be refused out of memory');
        figures.failedOutOfMemory =
          metric(refused, 'compact.cells_failed') - metric(beforeOom, 'compact.cells_failed');
      } finally {
        await Promise.all(shards.map(redis => redis.config('SET', 'maxmemory', '0')));
      }

      // 3. Every connection dropped under it, a few times, while compactions are queued.
      for (let drop = 0; drop < 3; drop += 1) {
        await queued();
        await Promise.all(shards.map(redis => redis.call('CLIENT', 'KILL', 'TYPE', 'normal')));
      }

      // Later compactions succeed.
      const restoredAt = Date.now();
      const restored = await aggregatorMetrics(address);
      await pollUntil(() => senders.allAcknowledgedSince(restoredAt) || undefined, {
        what: 'every sender acknowledged after the faults',
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      const resumed = await metricsUntil(
        address,
        'compactions after the faults',
        m => metric(m, 'compact.cells') - metric(restored, 'compact.cells') >= 200,
      );
      figures.compactedAfter = metric(resumed, 'compact.cells') - metric(restored, 'compact.cells');
    } finally {
      await senders.stop();
      // Whatever happened above, the shards take writes again for the next test.
      await Promise.all(
        shards.map(async redis => {
          await redis.client('UNPAUSE').catch(() => undefined);
          await redis.config('SET', 'maxmemory', '0').catch(() => undefined);
        }),
      );
    }
    const counts = await expectSendersExact(grpc, senders, PREFIX, CLIENTS);
    const { before, after } = await expectCompactedKeepingStates(shards, [PREFIX]);
    expect(after.cells).toBe(CLIENTS * TABS * 2);
    const final = await aggregatorMetrics(address);
    await expectSendersExact(grpc, senders, PREFIX, CLIENTS);

    console.log(
      JSON.stringify({
        fault: 'compaction-fails-halfway',
        ...counts,
        ...figures,
        compactionsFailed:
          metric(final, 'compact.cells_failed') - metric(initial, 'compact.cells_failed'),
        compactionsRaced:
          metric(final, 'compact.cells_raced') - metric(initial, 'compact.cells_raced'),
        duplicateParts:
          metric(final, 'commit.parts_duplicate') - metric(initial, 'commit.parts_duplicate'),
        beforeCatchUp: before,
        afterCatchUp: after,
        seconds: seconds(started),
      }),
    );
  }, 90_000);
});

describe('two aggregators compacting the same cells during a hand-off', () => {
  let stack: Stack;
  let shards: Redis[] = [];
  let grpc: TabaGrpcClient;
  /** Two ingest instances, each seeing one aggregator only, and a gateway over both. */
  let extra: ServiceProcess[] = [];
  let splitGateway: ServiceProcess;

  beforeAll(async () => {
    stack = await startStack({
      redisShards: 1,
      aggregators: 2,
      env: { TABA_PARTITIONS: '16', TABA_PRUNE_INTERVAL_MS: '200' },
      aggregatorEnv: {
        TABA_CELL_TAIL_BYTES: String(TAIL),
        // Among no aggregators it sees: each prunes every partition.
        TABA_AGGREGATOR_ADDRESSES: '',
      },
    });
    shards = stack.redis.map(server => new Redis(server.url));
    grpc = connectTaba(stack.grpcAddress);
    const ingests = await Promise.all(
      stack.aggregators.map(owner =>
        startServiceProcess({
          service: 'ingest',
          env: { ...stack.env, TABA_AGGREGATOR_ADDRESSES: owner.address },
        }),
      ),
    );
    extra.push(...ingests);
    splitGateway = await startServiceProcess({
      service: 'gateway',
      env: {
        ...stack.env,
        TABA_INGEST_ADDRESSES: ingests.map(ingest => ingest.address).join(','),
        TABA_REST_ADDRESS: `${LOOPBACK}:${await freePort()}`,
      },
    });
    extra.push(splitGateway);
  }, 120_000);

  afterAll(async () => {
    grpc?.close();
    for (const redis of shards) redis.disconnect();
    await Promise.all(extra.map(child => child.stop('SIGTERM', 5000).catch(() => undefined)));
    extra = [];
    await stack?.stop();
  }, 60_000);

  it('every partition committed and compacted by both: counts stay exact', async () => {
    const started = performance.now();
    const [a, b] = stack.aggregators;
    if (!a || !b) throw new Error('two aggregators expected');
    // Both believe they own (and prune) every partition.
    for (const owner of [a, b]) {
      expect((await aggregatorStatus(owner.address)).details['partitions.owned']).toBe('16');
    }
    const initial = await Promise.all([a, b].map(owner => aggregatorMetrics(owner.address)));

    // Through a gateway whose two ingest instances each commit to one of them: a client's
    // batches, and every client's all-clients cells, are appended by both.
    const PREFIX = 'cf-handoff';
    const CLIENTS = 3;
    const senders = new CountingSenders({
      address: splitGateway.address,
      prefix: PREFIX,
      clients: CLIENTS,
      tabsPerClient: 8,
      eventsPerTab: 3,
      pauseMs: 20,
    });
    const ledger = new SeqLedger('cf-shared', 3, 20);
    const split = connectTaba(splitGateway.address);
    let writing = true;
    const MAX_ROUNDS = 200;
    senders.start();
    const loops = Array.from({ length: ledger.clients }, async (_, c) => {
      for (let seq = 1; writing && seq <= MAX_ROUNDS; seq += 1) await ledger.post(split, c, seq);
    });
    let during: Record<string, number>[];
    try {
      // Until both have committed, compacted named cells and pruned a few times.
      during = await Promise.all(
        [a, b].map((owner, i) =>
          metricsUntil(owner.address, `${owner.address} committing, compacting and pruning`, m => {
            const was = initial[i] ?? {};
            return (
              metric(m, 'commit.requests') - metric(was, 'commit.requests') >= 20 &&
              metric(m, 'compact.cells') - metric(was, 'compact.cells') >= 50 &&
              metric(m, 'prune.runs') - metric(was, 'prune.runs') >= 10
            );
          }),
        ),
      );
    } finally {
      writing = false;
      await Promise.all(loops);
      await senders.stop();
      split.close();
    }
    const counts = await expectSendersExact(grpc, senders, PREFIX, CLIENTS);
    const shared = await expectLedgerExact(grpc, ledger);

    // The pruners then fold every cell into a single base, keeping its State.
    const { before, after } = await expectCompactedKeepingStates(shards, [PREFIX, 'cf-shared'], {
      singleRecord: true,
    });
    expect(after.cells).toBe(CLIENTS * 8 * 2 + ledger.tabs * (ledger.clients + 1));
    const final = await Promise.all([a, b].map(owner => aggregatorMetrics(owner.address)));
    for (const m of final) {
      expect(metric(m, 'compact.cells_failed')).toBe(0);
      expect(metric(m, 'prune.failures')).toBe(0);
    }
    await expectSendersExact(grpc, senders, PREFIX, CLIENTS);
    await expectLedgerExact(grpc, ledger);

    console.log(
      JSON.stringify({
        fault: 'two-compacting-owners',
        ...counts,
        shared,
        sharedBatches: ledger.batches(),
        aggregators: final.map((m, i) => ({
          commits: metric(m, 'commit.requests') - metric(initial[i] ?? {}, 'commit.requests'),
          pruneRuns: metric(m, 'prune.runs') - metric(initial[i] ?? {}, 'prune.runs'),
          ...compactOnly(m),
        })),
        racedWhileWriting: during.map(m => metric(m, 'compact.cells_raced')),
        beforeCatchUp: before,
        afterCatchUp: after,
        seconds: seconds(started),
      }),
    );
  }, 90_000);
});
