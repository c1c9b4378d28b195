import type { Clock, Logger, RedisConnection, RedisShards } from '@taba/common';
import { ALL_CLIENTS, redisKeys } from '@taba/common';
import { compactOneCell } from './cell-compaction.js';
import { definePruneScripts } from './redis/prune-scripts.js';

export interface PrunerOptions {
  /** High-water marks of clients idle this long are dropped. */
  readonly idleClientSeconds: number;
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
}

/**
 * Periodic pruning of the partitions this aggregator owns: every cell is compacted
 * (cell-compaction.ts), which drops buckets that left every window, expired gauge values,
 * Buffer entries and Unique register buckets, and deletes a cell with nothing left (its client
 * leaves the indexes); then the high-water marks of idle clients go (so their number stays
 * bounded by the active clients).
 */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly totals: PruneReport = {
    partitions: 0,
    states: 0,
    deleted: 0,
    raced: 0,
    forgottenMarks: 0,
  };
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
    const report: PruneReport = {
      partitions: 0,
      states: 0,
      deleted: 0,
      raced: 0,
      forgottenMarks: 0,
    };
    const now = this.clock.nowSeconds();
    for (const partition of this.options.partitions()) {
      const redis = this.shards.forPartition(partition);
      report.partitions += 1;
      const types = await redis.hgetall(redisKeys.types(partition));
      for (const [tab, spec] of Object.entries(types)) {
        const clients = [...(await redis.smembers(redisKeys.clients(partition, tab))), ALL_CLIENTS];
        for (const client of clients) {
          report.states += 1;
          const compaction = await compactOneCell(redis, { partition, tab, client }, spec, now);
          report.deleted += compaction.pruned;
          if (compaction.result === 'raced') report.raced += 1;
        }
      }
      report.forgottenMarks += await this.forgetIdle(redis, partition, now);
    }
    this.runs += 1;
    for (const key of Object.keys(report) as (keyof PruneReport)[]) this.totals[key] += report[key];
    return report;
  }

  private async forgetIdle(
    redis: RedisConnection,
    partition: number,
    now: number,
  ): Promise<number> {
    const times = await redis.hgetall(redisKeys.highWaterTimes(partition));
    const cutoffMs = (now - this.options.idleClientSeconds) * 1000;
    const idle = Object.entries(times).filter(([, at]) => Number(at) < cutoffMs);
    if (idle.length === 0) return 0;
    return redis.tabaForgetIdleV1(
      2,
      redisKeys.highWaterMarks(partition),
      redisKeys.highWaterTimes(partition),
      ...idle.flat(),
    );
  }
}
