// What the compaction faults share: a Redis that can be killed and started again from its AOF,
// the cells of a prefix as Redis holds them, an aggregator's own metrics, exact-seq posting and
// the read-back of lifetime counts (over every client, or one client's).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type {
  EventBatch,
  InstanceStatus__Output,
  PostEventsResponse__Output,
  TabaClient as TabaGrpcClient,
} from '@taba/common';
import { CELL_HEADER_BYTES, decodeCell, REDIS_SERVER_TUNING, readCell } from '@taba/common';
import type { Redis } from 'ioredis';
import { LOOPBACK } from '../support/free-port.js';
import { connectAggregator, deadlineIn, unary } from '../support/grpc-client.js';
import type { RedisProcess } from '../support/redis-process.js';
import {
  loopbackDataNodeArgs,
  spawnRedisProcess,
  startOnFreePort,
} from '../support/redis-process.js';
import { findRedisServer } from '../support/redis-server.js';

/** A redis-server with an append-only file that can be `kill -9`ed and started again from it. */
export interface RestartableRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILL, no goodbye; resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port, from the same directory (its AOF); resolves once it answers PING. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A redis-server on a free loopback port with `--appendonly yes --appendfsync always`: an
 * acknowledged write is on disk before its answer, so a `kill -9` loses nothing acknowledged.
 */
export async function startAofRedis(): Promise<RestartableRedis> {
  const binary = findRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'taba-redis-aof-'));
  const argsFor = (port: number) => [
    ...loopbackDataNodeArgs(port, dir, true),
    ...REDIS_SERVER_TUNING,
    '--appendfsync',
    'always',
  ];
  try {
    return await startOnFreePort('redis-server (AOF)', async port => {
      let server: RedisProcess | undefined = await spawnRedisProcess(
        binary,
        argsFor(port),
        port,
        'redis-server (AOF)',
      );
      if (!server) return undefined;
      let stopping: Promise<void> | undefined;
      return {
        port,
        url: `redis://${LOOPBACK}:${port}`,
        async kill() {
          await server?.stop('SIGKILL');
          server = undefined;
        },
        async restart() {
          if (server) throw new Error('the Redis is still running');
          const started = await spawnRedisProcess(
            binary,
            argsFor(port),
            port,
            'restarted redis-server (AOF)',
            { readyTimeoutMs: 30_000 },
          );
          if (!started) throw new Error(`port ${port} was taken before the Redis restarted`);
          server = started;
        },
        stop() {
          stopping ??= (async () => {
            await server?.stop();
            server = undefined;
            await rm(dir, { recursive: true, force: true });
          })();
          return stopping;
        },
      };
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** GetStatus of one aggregator, straight from it. */
export async function aggregatorStatus(address: string): Promise<InstanceStatus__Output> {
  const client = connectAggregator(address);
  try {
    return await unary<InstanceStatus__Output>(callback =>
      client.getStatus({}, { deadline: deadlineIn(5000) }, callback),
    );
  } finally {
    client.close();
  }
}

/** The metrics of one aggregator (`compact.*`, `commit.*`, `prune.*`, ...). */
export async function aggregatorMetrics(address: string): Promise<Record<string, number>> {
  return { ...((await aggregatorStatus(address)).metrics as Record<string, number>) };
}

/** Only the `compact.*` ones, for a report. */
export function compactOnly(metrics: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).filter(([name]) => name.startsWith('compact.')),
  );
}

/** One cell as Redis holds it. */
export interface CellView {
  readonly key: string;
  readonly value: Buffer;
  /** Bytes of its compacted base (the header). */
  readonly base: number;
  /** Bytes of the records appended past the base. */
  readonly tail: number;
  /** Records, the base included. */
  readonly records: number;
}

/** Every cell of the Tabs whose names start with `tabPrefix` (SCAN + GET), by key. */
export async function scanCells(redis: Redis, tabPrefix: string): Promise<Map<string, CellView>> {
  const cells = new Map<string, CellView>();
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `taba:*:c|${tabPrefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  for (const key of keys) {
    const value = await redis.getBuffer(key);
    if (!value) continue;
    const base = value.readUInt32LE(0);
    cells.set(key, {
      key,
      value,
      base,
      tail: value.length - CELL_HEADER_BYTES - base,
      records: decodeCell(value).length,
    });
  }
  return cells;
}

/** The cells over several Redis shards. */
export async function scanAllCells(
  shards: readonly Redis[],
  tabPrefix: string,
): Promise<Map<string, CellView>> {
  const all = new Map<string, CellView>();
  for (const redis of shards) {
    for (const [key, cell] of await scanCells(redis, tabPrefix)) all.set(key, cell);
  }
  return all;
}

/** What a reader makes of every cell at `nowSeconds`, by key (to compare before and after compaction). */
export function cellStates(
  cells: ReadonlyMap<string, CellView>,
  nowSeconds: number,
): Map<string, unknown> {
  return new Map([...cells].map(([key, cell]) => [key, readCell(cell.value, nowSeconds)]));
}

/** The cells whose records past the base still outgrow `tailLimit`: named, not compacted yet. */
export function overTail(cells: ReadonlyMap<string, CellView>, tailLimit: number): CellView[] {
  return [...cells.values()].filter(cell => cell.tail > tailLimit);
}

/**
 * Lifetime counts of the Tabs `names` (exact names: no regex, whose matching has a wall-clock
 * limit a loaded machine can miss), through the gateway: over every client (the all-clients
 * cells), or with `clientId` only that client's (its own cells).
 */
export async function lifetimeCounts(
  client: TabaGrpcClient,
  names: readonly string[],
  clientId?: string,
): Promise<Record<string, number>> {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    client.getAggregates(
      {
        filter: {
          names: [...names],
          regex: false,
          ...(clientId === undefined ? {} : { clients: [clientId] }),
        },
      },
      { deadline: deadlineIn(10_000) },
      callback,
    ),
  );
  const counts: Record<string, number> = {};
  for (const tab of reply.tabs) {
    const body = JSON.parse(tab.body) as { lifetime?: { count?: number } };
    counts[tab.name] = body.lifetime?.count ?? Number.NaN;
  }
  return counts;
}

/** `expected` against `found`, Tab by Tab: the differences (none when exact), and the sums. */
export function compareCounts(
  expected: Readonly<Record<string, number>>,
  found: Readonly<Record<string, number>>,
): { differences: string[]; expected: number; found: number; duplicates: number } {
  const differences: string[] = [];
  let expectedTotal = 0;
  let foundTotal = 0;
  let duplicates = 0;
  for (const tab of new Set([...Object.keys(expected), ...Object.keys(found)])) {
    const want = expected[tab] ?? 0;
    const got = found[tab] ?? 0;
    expectedTotal += want;
    foundTotal += got;
    if (got > want) duplicates += got - want;
    if (got !== want) differences.push(`${tab}: expected ${want}, found ${got}`);
  }
  return {
    differences: differences.sort(),
    expected: expectedTotal,
    found: foundTotal,
    duplicates,
  };
}

/** gRPC statuses after which a batch is posted again, same seq and bytes (as the client library does). */
const RETRYABLE = new Set<number>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.CANCELLED,
]);

/**
 * Posts `batch` through the gateway until it is acknowledged, the same batch (seq) every time,
 * for at most `timeoutMs`; resolves its answer and how many attempts failed first.
 */
export async function postUntilAcknowledged(
  client: TabaGrpcClient,
  batch: EventBatch,
  timeoutMs = 60_000,
): Promise<{ response: PostEventsResponse__Output; failedAttempts: number }> {
  const giveUpAt = Date.now() + timeoutMs;
  let failedAttempts = 0;
  for (;;) {
    try {
      const response = await unary<PostEventsResponse__Output>(callback =>
        client.postEvents(batch, { deadline: deadlineIn(10_000) }, callback),
      );
      return { response, failedAttempts };
    } catch (error) {
      const code = (error as { code?: number }).code ?? status.UNKNOWN;
      if (!RETRYABLE.has(code) || Date.now() > giveUpAt) throw error;
      failedAttempts += 1;
      await sleep(Math.min(50 * 2 ** Math.min(failedAttempts, 4), 500));
    }
  }
}
