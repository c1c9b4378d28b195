import type { Clock, Logger, RedisShards } from '@taba/common';
import { compactOneCell, parseCellKey } from './cell-compaction.js';
import type { CellToCompact } from './redis/commit-args.js';
import { definePruneScripts } from './redis/prune-scripts.js';

export interface CompactorOptions {
  /** Cells waiting for compaction at most; more are counted as deferred (named again later). */
  readonly maxQueued: number;
  /** Compactions running at once. */
  readonly concurrency: number;
}

/**
 * Compacts the cells the commit script names (their records past the base outgrew
 * TABA_CELL_TAIL_BYTES), in the background, a bounded number at once. The queue is bounded
 * too: a cell that does not fit is counted as deferred, and since it keeps growing, the next
 * commit to it names it again. A cell compacted by someone else meanwhile (a hand-off) is
 * left as it is (compact.lua), so compaction never loses or doubles a Delta.
 */
export class CellCompactor {
  private readonly queue = new Map<string, string>();
  private running = 0;
  private idle: (() => void)[] = [];
  readonly stats = { compacted: 0, deleted: 0, raced: 0, deferred: 0, failed: 0, pruned: 0 };

  constructor(
    private readonly shards: RedisShards,
    private readonly clock: Clock,
    private readonly options: CompactorOptions,
    private readonly logger?: Logger,
  ) {
    for (const [, redis] of shards.all()) definePruneScripts(redis);
  }

  enqueue(cells: readonly CellToCompact[]): void {
    for (const { key, spec } of cells) {
      if (this.queue.has(key)) continue;
      if (this.queue.size >= this.options.maxQueued) {
        this.stats.deferred += 1;
        continue;
      }
      this.queue.set(key, spec);
    }
    this.pump();
  }

  /** Resolves once nothing is queued or running (tests, shutdown). */
  drained(): Promise<void> {
    if (this.running === 0 && this.queue.size === 0) return Promise.resolve();
    return new Promise(resolve => this.idle.push(resolve));
  }

  get queued(): number {
    return this.queue.size;
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.size > 0) {
      const [key, spec] = this.queue.entries().next().value as [string, string];
      this.queue.delete(key);
      this.running += 1;
      void this.compact(key, spec).finally(() => {
        this.running -= 1;
        this.pump();
        if (this.running === 0 && this.queue.size === 0) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  private async compact(key: string, spec: string): Promise<void> {
    const cell = parseCellKey(key);
    if (!cell) return;
    try {
      const redis = this.shards.forPartition(cell.partition);
      const { result, pruned } = await compactOneCell(redis, cell, spec, this.clock.nowSeconds());
      if (result === 'compacted') this.stats.compacted += 1;
      else if (result === 'deleted') this.stats.deleted += 1;
      else if (result === 'raced') this.stats.raced += 1;
      this.stats.pruned += pruned;
    } catch (error) {
      this.stats.failed += 1;
      this.logger?.warn({ err: error, key }, 'compacting a cell failed');
    }
  }

  metrics(): Record<string, number> {
    return {
      'compact.cells': this.stats.compacted,
      'compact.cells_deleted': this.stats.deleted,
      'compact.cells_raced': this.stats.raced,
      'compact.cells_deferred': this.stats.deferred,
      'compact.cells_failed': this.stats.failed,
      'compact.pruned': this.stats.pruned,
      'compact.queued': this.queue.size,
    };
  }
}
