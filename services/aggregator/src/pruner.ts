import type { Clock, Logger, RedisConnection, RedisShards, TabTypeName } from '@taba/common';
import {
  ALL_CLIENTS,
  expiredBufferMembers,
  parseTypeSpec,
  prunableFields,
  redisKeys,
} from '@taba/common';
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
  forgottenMarks: number;
}

// Types whose States can empty out completely (no lifetime fields): their idle clients leave the indexes.
const FORGETTABLE: ReadonlySet<string> = new Set([
  'PERCENTILE_GROUP',
  'GAUGE',
  'EXPIRY_GAUGE',
  'BUFFER',
]);

/**
 * Periodic pruning of the partitions this aggregator owns: buckets that left every
 * window, expired gauge values and buffer entries, clients with nothing left, and the
 * high-water marks of idle clients (so their number stays bounded by the active clients).
 * Unique register buckets expire in Redis by themselves.
 */
export class Pruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly totals: PruneReport = { partitions: 0, states: 0, deleted: 0, forgottenMarks: 0 };
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
    const report: PruneReport = { partitions: 0, states: 0, deleted: 0, forgottenMarks: 0 };
    const now = this.clock.nowSeconds();
    for (const partition of this.options.partitions()) {
      const redis = this.shards.forPartition(partition);
      report.partitions += 1;
      const types = await redis.hgetall(redisKeys.types(partition));
      for (const [tab, spec] of Object.entries(types)) {
        const type = parseTypeSpec(spec).type as TabTypeName;
        const clients = [...(await redis.smembers(redisKeys.clients(partition, tab))), ALL_CLIENTS];
        for (const client of clients) {
          report.states += 1;
          report.deleted += await this.pruneState(redis, partition, tab, type, client, now);
        }
      }
      report.forgottenMarks += await this.forgetIdle(redis, partition, now);
    }
    this.runs += 1;
    for (const key of Object.keys(report) as (keyof PruneReport)[]) this.totals[key] += report[key];
    return report;
  }

  private async pruneState(
    redis: RedisConnection,
    partition: number,
    tab: string,
    type: TabTypeName,
    client: string,
    now: number,
  ): Promise<number> {
    const stateKey = redisKeys.state(partition, tab, client);
    const bufferKey = redisKeys.buffer(partition, tab, client);
    const fields = prunableFields(type, await redis.hgetall(stateKey), now);
    const members =
      type === 'BUFFER' ? expiredBufferMembers(await redis.zrange(bufferKey, '0', '-1'), now) : [];
    const forgettable = client !== ALL_CLIENTS && FORGETTABLE.has(type);
    if (fields.length === 0 && members.length === 0 && !forgettable) return 0;
    return redis.tabaPruneV1(
      4,
      stateKey,
      bufferKey,
      redisKeys.clients(partition, tab),
      redisKeys.tabsOfClient(partition, client),
      client,
      tab,
      forgettable ? '1' : '0',
      String(fields.length),
      ...fields.flatMap(field => [field.field, field.expected ?? '']),
      ...members,
    );
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
