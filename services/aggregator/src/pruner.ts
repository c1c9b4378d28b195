import type { Clock, Logger, RedisConnection, RedisShards } from '@taba/common';
import {
  ALL_CLIENTS,
  cellTailBytes,
  clientsOfTab,
  redisKeys,
  tabsOfPartition,
  WALK_CHUNK,
} from '@taba/common';
import type { CellAddress } from './cell-compaction.js';
import { compactReadCell } from './cell-compaction.js';
import { idleField, idleStep } from './idle-expiry.js';
import { definePruneScripts } from './redis/prune-scripts.js';

export interface PrunerOptions {
  /** High-water marks of clients idle this long are dropped. */
  readonly idleClientSeconds: number;
  /** (Tab, client) States without a commit this long are deleted, whatever their type; 0: never. */
  readonly stateIdleSeconds?: number;
  /** Partitions this aggregator prunes now (those it owns). */
  readonly partitions: () => readonly number[];
}

export interface PruneReport {
  partitions: number;
  states: number;
  deleted: number;
  /** Cells another compactor changed between this one's read and write (left as they are). */
  raced: number;
  forgottenMarks: number;
  /** Idle States deleted (TABA_STATE_IDLE_SECONDS). */
  expired: number;
  /** Partitions whose pruning failed (the pass went on with the next). */
  failedPartitions: number;
}

function emptyReport(): PruneReport {
  return {
    partitions: 0,
    states: 0,
    deleted: 0,
    raced: 0,
    forgottenMarks: 0,
    expired: 0,
    failedPartitions: 0,
  };
}

/**
 * Periodic pruning of the partitions this aggregator owns: every cell is compacted
 * (cell-compaction.ts), which drops buckets that left every window, expired gauge values,
 * Buffer entries and Unique register buckets, and deletes a cell with nothing left (its client
 * leaves the indexes); cells idle past `stateIdleSeconds` are deleted whatever their type
 * (idle-expiry.ts); then the high-water marks of idle clients go (so their number stays
 * bounded by the active clients). Everything is read and written in bounded chunks
 * (partition-walk.ts); a partition that fails is counted and the pass goes on.
 */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly totals: PruneReport = emptyReport();
  runs = 0;
  failures = 0;

  constructor(
    private readonly shards: RedisShards,
    private readonly clock: Clock,
    private readonly options: PrunerOptions,
    private readonly logger?: Logger,
  ) {
    for (const [, redis] of shards.all()) definePruneScripts(redis);
  }

  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .then(
          () => undefined,
          (error: unknown) => {
            this.failures += 1;
            this.logger?.warn({ err: error }, 'pruning failed');
          },
        )
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over every owned partition. */
  async runOnce(): Promise<PruneReport> {
    const report = emptyReport();
    const now = this.clock.nowSeconds();
    for (const partition of this.options.partitions()) {
      report.partitions += 1;
      try {
        await this.prunePartition(this.shards.forPartition(partition), partition, now, report);
      } catch (error) {
        report.failedPartitions += 1;
        this.logger?.warn({ err: error, partition }, 'pruning a partition failed');
      }
    }
    this.runs += 1;
    for (const key of Object.keys(report) as (keyof PruneReport)[]) this.totals[key] += report[key];
    return report;
  }

  private async prunePartition(
    redis: RedisConnection,
    partition: number,
    now: number,
    report: PruneReport,
  ): Promise<void> {
    for await (const tabs of tabsOfPartition(redis, partition)) {
      for (const [tab, spec] of tabs) {
        for await (const clients of clientsOfTab(redis, partition, tab)) {
          await this.pruneCells(redis, partition, tab, spec, clients, now, report);
        }
        // Last, so an all-clients cell can expire in the pass that expired its Tab's clients.
        await this.pruneCells(redis, partition, tab, spec, [ALL_CLIENTS], now, report);
      }
    }
    report.forgottenMarks += await this.forgetIdle(redis, partition, now);
  }

  /** Compacts (or expires) the cells of some clients of one Tab; their idle marks in one go. */
  private async pruneCells(
    redis: RedisConnection,
    partition: number,
    tab: string,
    spec: string,
    clients: readonly string[],
    now: number,
    report: PruneReport,
  ): Promise<void> {
    const idleSeconds = this.options.stateIdleSeconds ?? 0;
    const idleKey = redisKeys.idleSince(partition);
    const fields = clients.map(client => idleField(tab, client));
    const since =
      idleSeconds > 0
        ? ((await redis.call('HMGET', [idleKey, ...fields])) as (string | null)[])
        : [];
    const marks: string[] = [];
    const clears: string[] = [];
    for (const [i, client] of clients.entries()) {
      report.states += 1;
      const cell: CellAddress = { partition, tab, client };
      const value = await redis.getBuffer(redisKeys.cell(partition, tab, client));
      if (!value) continue;
      const marked = since[i];
      const field = fields[i] ?? '';
      const step = idleStep(
        cellTailBytes(value),
        marked ? Number(marked) : undefined,
        now,
        idleSeconds,
      );
      if (step === 'expire' && (await this.expire(redis, cell, value, field)) === 1) {
        report.expired += 1;
        continue;
      }
      if (step === 'mark') marks.push(field, String(now));
      if (step === 'clear') clears.push(field);
      const compaction = await compactReadCell(redis, cell, spec, now, value);
      report.deleted += compaction.pruned;
      if (compaction.result === 'raced') report.raced += 1;
      if (compaction.result === 'deleted' && marked) clears.push(field);
    }
    if (marks.length > 0) await redis.call('HSET', [idleKey, ...marks]);
    if (clears.length > 0) await redis.call('HDEL', [idleKey, ...clears]);
  }

  private expire(
    redis: RedisConnection,
    cell: CellAddress,
    value: Buffer,
    field: string,
  ): Promise<number> {
    const { partition, tab, client } = cell;
    return redis.tabaExpireIdleV1(
      6,
      [
        redisKeys.cell(partition, tab, client),
        redisKeys.clients(partition, tab),
        redisKeys.tabsOfClient(partition, client),
        redisKeys.idleSince(partition),
        redisKeys.version(partition),
        redisKeys.types(partition),
      ],
      [value, client, tab, field, client === ALL_CLIENTS ? '0' : '1'],
    );
  }

  /** Drops the marks of clients idle past idleClientSeconds, a chunk at a time. */
  private async forgetIdle(
    redis: RedisConnection,
    partition: number,
    now: number,
  ): Promise<number> {
    const cutoffMs = (now - this.options.idleClientSeconds) * 1000;
    const timesKey = redisKeys.highWaterTimes(partition);
    let forgotten = 0;
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(timesKey, cursor, 'COUNT', WALK_CHUNK);
      cursor = next;
      const idle: string[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        if (Number(flat[i + 1]) < cutoffMs) idle.push(flat[i] ?? '', flat[i + 1] ?? '');
      }
      if (idle.length > 0) {
        forgotten += await redis.tabaForgetIdleV1(
          2,
          [redisKeys.highWaterMarks(partition), timesKey],
          idle,
        );
      }
    } while (cursor !== '0');
    return forgotten;
  }
}
